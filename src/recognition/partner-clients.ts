/**
 * Federation clients to partners for federated recognition, one channel per
 * partner kept open between questions. A channel is replaced when our own
 * certificate or the partner's endpoint or bound anchor changes, so it always
 * uses the trust material in force.
 */
import { FederationClient } from '../gen/credfed/v1/federation.js';
import type { NodeConfig } from '../config/node-config.js';
import type { Partner } from '../partners/partner.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import { channelOptions } from '../server/grpc-options.js';
import { boundAnchorPem } from '../trust/partner-anchor.js';
import type { TrustDirectory } from '../trust/trust-directory.js';

export class PartnerClients {
  private readonly clients = new Map<string, { key: string; client: FederationClient }>();

  constructor(
    private readonly config: NodeConfig,
    private readonly trust: TrustDirectory,
  ) {}

  /** The client for a partner with an endpoint. */
  get(partner: Partner & { endpoint: string }): FederationClient {
    const material = this.trust.current();
    const anchorPem = boundAnchorPem(material, partner);
    const key = `${partner.endpoint}|${material.clientDigest}|${anchorPem ?? ''}`;
    const held = this.clients.get(partner.id);
    if (held?.key === key) return held.client;
    held?.client.close();
    const tls = anchorPem === undefined ? material.client : { ...material.client, ca: Buffer.from(anchorPem) };
    const creds = clientCredentials(tls, { federation: this.config.federation, kind: 'partner', id: partner.id });
    const client = new FederationClient(partner.endpoint, creds, channelOptions(this.config, partner.id));
    this.clients.set(partner.id, { key, client });
    return client;
  }

  /** The CA certificates a partner's verdict-signing chain must end at (PEM): its bound anchor, or our own CAs. */
  trustFor(partner: Partner): string[] {
    const material = this.trust.current();
    const anchorPem = boundAnchorPem(material, partner);
    return anchorPem !== undefined ? [anchorPem] : splitPem(material.client.ca.toString('utf8'));
  }

  close(): void {
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
