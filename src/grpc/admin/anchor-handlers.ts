/** Admin RPCs of foreign CAs: import one for a partner, refresh its CRL, list them. */
import { readFile } from 'node:fs/promises';
import type * as pb from '../../gen/credfed/v1/admin.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import { listTrustAnchorPage, type TrustAnchorRow } from '../../store/repos/trust-anchors-repo.js';
import { anchorState } from '../../trust/import-anchor-view.js';
import { importTrustAnchor } from '../../trust/import-anchor.js';
import { importAnchorCrl } from '../../trust/import-crl.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf, given, text, type AdminDeps } from './admin-deps.js';

export function anchorMessage(row: TrustAnchorRow, now: Date): pb.TrustAnchor {
  return {
    partnerId: row.partnerId,
    fingerprint: row.fingerprint,
    subject: row.subject,
    notAfter: dateToTimestamp(row.notAfter),
    crlNumber: row.crlNumber === null ? '' : row.crlNumber.toString(),
    crlThisUpdate: dateToTimestamp(row.crlThisUpdate),
    crlNextUpdate: dateToTimestamp(row.crlNextUpdate),
    state: anchorState(row, now),
    importedBy: row.importedBy,
    importedAt: dateToTimestamp(row.importedAt),
  };
}

export function anchorHandlers(deps: AdminDeps) {
  /** The node's tls.ca bundle, when readable: importing it as a foreign CA is refused. */
  const ownCaPems = async () => readFile(deps.config.tls.ca, 'utf8').then((pem) => [pem], () => []);
  return {
    async importTrustAnchor(req: pb.ImportTrustAnchorRequest, ctx: CallContext): Promise<pb.ImportTrustAnchorResponse> {
      const row = await importTrustAnchor(deps.store, {
        partnerId: req.partnerId,
        caPem: req.caPem,
        crlPem: req.crlPem,
        by: { actor: actorOf(ctx), ...(text(req.reason) !== undefined ? { reason: req.reason } : {}) },
        clock: deps.clock,
        replace: req.replace,
        ownCaPems: await ownCaPems(),
      });
      return { anchor: anchorMessage(row, deps.clock.now()) };
    },

    async importCrl(req: pb.ImportCrlRequest, ctx: CallContext): Promise<pb.ImportCrlResponse> {
      const row = await importAnchorCrl(deps.store, { partnerId: req.partnerId, crlPem: req.crlPem, by: { actor: actorOf(ctx) }, clock: deps.clock });
      return { anchor: anchorMessage(row, deps.clock.now()) };
    },

    async listTrustAnchors(req: pb.ListTrustAnchorsRequest): Promise<pb.ListTrustAnchorsResponse> {
      const page = await listTrustAnchorPage(deps.store, { pageSize: given(req.pageSize), pageToken: text(req.pageToken) });
      const now = deps.clock.now();
      return { anchors: page.items.map((a) => anchorMessage(a, now)), nextPageToken: page.nextPageToken ?? '' };
    },
  };
}
