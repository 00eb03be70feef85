/** How a bound foreign CA is shown (CLI, admin API): its facts and whether it can be trusted now. */
import type { TrustAnchorRow } from '../store/repos/trust-anchors-repo.js';

/** current: usable; stale: its CRL is past nextUpdate (refresh with ca import-crl); expired: the CA certificate itself expired. */
export type AnchorState = 'current' | 'stale' | 'expired';

export interface AnchorView {
  readonly partnerId: string;
  readonly fingerprint: string;
  readonly subject: string;
  readonly notAfter: string;
  readonly importedAt: string;
  readonly importedBy: string;
  /** Decimal text; null when the CRL carries no number. */
  readonly crlNumber: string | null;
  readonly crlThisUpdate: string;
  readonly crlNextUpdate: string;
  readonly crlImportedAt: string;
  readonly state: AnchorState;
}

export function anchorState(row: Pick<TrustAnchorRow, 'notAfter' | 'crlNextUpdate'>, now: Date): AnchorState {
  if (now > row.notAfter) return 'expired';
  return now >= row.crlNextUpdate ? 'stale' : 'current';
}

export function anchorView(row: TrustAnchorRow, now: Date): AnchorView {
  return {
    partnerId: row.partnerId,
    fingerprint: row.fingerprint,
    subject: row.subject,
    notAfter: row.notAfter.toISOString(),
    importedAt: row.importedAt.toISOString(),
    importedBy: row.importedBy,
    crlNumber: row.crlNumber === null ? null : row.crlNumber.toString(),
    crlThisUpdate: row.crlThisUpdate.toISOString(),
    crlNextUpdate: row.crlNextUpdate.toISOString(),
    crlImportedAt: row.crlImportedAt.toISOString(),
    state: anchorState(row, now),
  };
}
