/**
 * A partner of this node as the registry holds it (the `partners` table is the
 * source of truth; the configuration file only seeds it on first start).
 */

/** Every kind of partner the registry knows; `admin` is an administrative party, not a gateway. */
export const REGISTRY_PARTNER_KINDS = ['child_county', 'parent_city', 'peer_region', 'service_agency', 'admin'] as const;
export type RegistryPartnerKind = (typeof REGISTRY_PARTNER_KINDS)[number];

export const PARTNER_STATUSES = ['active', 'suspended'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

/** What an administrator defines about a partner. */
export interface PartnerDefinition {
  /** The partner's node id, as named in its certificate (spiffe://<federation>/partner/<id>). */
  readonly id: string;
  readonly displayName: string;
  readonly kind: RegistryPartnerKind;
  /** host:port of the partner's gateway; absent when it only calls us. */
  readonly endpoint?: string;
  /** SHA-256 (hex) of the public key of the CA its certificates must chain to; absent: our own CA. */
  readonly trustAnchor?: string;
}

/** A registered partner. */
export interface Partner extends PartnerDefinition {
  readonly status: PartnerStatus;
  /** Incremented on every change; starts at 1. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** How a change came about, as recorded in `partner_changes.action`. */
export const PARTNER_ACTIONS = ['add', 'update', 'suspend', 'resume', 'seed'] as const;
export type PartnerAction = (typeof PARTNER_ACTIONS)[number];

/** A partner as recorded before and after a change (the JSON of `partner_changes`). */
export interface PartnerSnapshot {
  readonly id: string;
  readonly displayName: string;
  readonly kind: RegistryPartnerKind;
  readonly endpoint: string | null;
  readonly status: PartnerStatus;
  readonly trustAnchor: string | null;
  readonly revision: number;
}

/** One recorded change of a partner: who did what, when. */
export interface PartnerChange {
  readonly partnerId: string;
  /** The partner's revision after the change. */
  readonly revision: number;
  readonly actor: string;
  readonly action: PartnerAction;
  /** Why, when the actor said (e.g. the reason of a suspension). */
  readonly reason?: string;
  readonly before?: PartnerSnapshot;
  readonly after?: PartnerSnapshot;
  readonly changedAt: Date;
}

export function snapshotOf(p: Partner): PartnerSnapshot {
  return {
    id: p.id,
    displayName: p.displayName,
    kind: p.kind,
    endpoint: p.endpoint ?? null,
    status: p.status,
    trustAnchor: p.trustAnchor ?? null,
    revision: p.revision,
  };
}

/** Whether partners of this kind run a gateway that calls ours (an `admin` party does not). */
export function isGatewayKind(kind: RegistryPartnerKind): kind is Exclude<RegistryPartnerKind, 'admin'> {
  return kind !== 'admin';
}
