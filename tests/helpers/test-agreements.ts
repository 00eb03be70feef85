/**
 * Data-sharing agreements for test gateways (the node config's `agreements`
 * section). Partner calls are denied without one, so every test node gets an
 * open agreement for all its partners (by group), and one of its own for each
 * partner that may relay third-party records. Tests of enforcement put
 * narrower agreements through the CLI or the Admin service.
 */

export const ALL_PURPOSES = ['bidding_review', 'administrative_licensing', 'financing', 'public_service', 'joint_punishment'];

/** An agreement allowing everything to `parties` until 2099. */
export function openAgreement(id: string, parties: { partners?: string[]; groups?: string[] }, thirdParty = false): Record<string, unknown> {
  return {
    agreement: id,
    title: 'test: everything allowed',
    parties: { partners: parties.partners ?? [], groups: parties.groups ?? [] },
    valid: { from: '2000-01-01', until: '2099-12-31' },
    directions: ['push', 'pull', 'query'],
    categories: ['all'],
    disclosure: ['public', 'conditional', 'not_shared'],
    purposes: ALL_PURPOSES,
    thirdParty,
  };
}

/** The `agreements` section for a test node: every partner by group, relaying partners by name. */
export function testAgreements(partners: readonly { id: string; relay?: boolean }[]): Record<string, unknown>[] {
  return [
    openAgreement('test-all-partners', { groups: ['child_county', 'parent_city', 'peer_region', 'service_agency'] }),
    ...partners.filter((p) => p.relay).map((p) => openAgreement(`test-relay-${p.id}`, { partners: [p.id] }, true)),
  ];
}
