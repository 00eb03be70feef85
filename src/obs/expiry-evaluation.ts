/**
 * Pure evaluation of certificate and CRL expiry: which warnings are due at a
 * given instant, each at most once per certificate (or CRL) and threshold.
 * Certificates: a warning within 30 days and within 7 days of notAfter, an
 * error once expired. CRLs: a warning within 24 hours of nextUpdate, an error
 * once past it. No I/O here: expiry-monitor.ts reads the sources, sets the
 * gauges and logs what this returns.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whose certificate: this node's TLS certificate, a CA we trust or run, one our CA issued, a foreign CA bound to a partner. */
export type CertificateRole = 'own' | 'ca' | 'partner' | 'anchor';

export interface WatchedCertificate {
  readonly role: CertificateRole;
  /** Partner id or admin name (own, partner), the CA's subject (ca, anchor). */
  readonly subject: string;
  /** Lower-case hex. */
  readonly serial: string;
  readonly notAfter: Date;
  /** Serial of a valid certificate that renews this one: still measured, but nobody needs warning. */
  readonly renewedBy?: string;
}

/** Whose CRL: our own CA's (in the store), a foreign CA's (bound to a partner), or the `tls.crl` file's. */
export type CrlSource = 'own' | 'anchor' | 'file';

export interface WatchedCrl {
  /** This node's id for our own CA's CRL, the partner id for a foreign CA's, `tls.crl` for the file. */
  readonly issuer: string;
  readonly source: CrlSource;
  readonly nextUpdate: Date;
}

/** Thresholds, most severe last. */
export const CERTIFICATE_WARNINGS = [
  { level: '30d', withinMs: 30 * DAY_MS },
  { level: '7d', withinMs: 7 * DAY_MS },
] as const;
export const CRL_WARNING_WITHIN_MS = DAY_MS;

export type CertificateLevel = '30d' | '7d' | 'expired';
export type CrlLevel = 'due' | 'stale';

export type ExpiryAlert =
  | { readonly kind: 'certificate'; readonly level: CertificateLevel; readonly certificate: WatchedCertificate; readonly msLeft: number }
  | { readonly kind: 'crl'; readonly level: CrlLevel; readonly crl: WatchedCrl; readonly msLeft: number };

/** The most severe threshold a certificate has crossed at `now`, if any (exactly 30 days left counts as within 30 days). */
export function certificateLevel(notAfter: Date, now: Date): CertificateLevel | undefined {
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  let level: CertificateLevel | undefined;
  for (const t of CERTIFICATE_WARNINGS) if (left <= t.withinMs) level = t.level;
  return level;
}

/** `stale` once nextUpdate has passed, `due` within 24 hours of it. */
export function crlLevel(nextUpdate: Date, now: Date): CrlLevel | undefined {
  const left = nextUpdate.getTime() - now.getTime();
  if (left <= 0) return 'stale';
  return left <= CRL_WARNING_WITHIN_MS ? 'due' : undefined;
}

/** Days left as `cert list` shows them (rounded up; 0 or less once expired). */
export const daysLeft = (msLeft: number): number => Math.ceil(msLeft / DAY_MS) + 0;

const CERT_ORDER: readonly CertificateLevel[] = ['30d', '7d', 'expired'];
const CRL_ORDER: readonly CrlLevel[] = ['due', 'stale'];

/**
 * Remembers which alerts were given. A certificate first seen with 5 days
 * left gets the 7-day warning only (the 30-day one is considered given); a
 * renewed CRL (another nextUpdate) starts afresh.
 */
export class ExpiryAlerts {
  readonly #given = new Set<string>();

  /** The alerts due at `now` that were not given before; marks them given. */
  evaluate(certificates: readonly WatchedCertificate[], crls: readonly WatchedCrl[], now: Date): ExpiryAlert[] {
    const alerts: ExpiryAlert[] = [];
    for (const certificate of certificates) {
      const level = certificateLevel(certificate.notAfter, now);
      if (level === undefined || certificate.renewedBy !== undefined) continue;
      const id = `cert|${certificate.role}|${certificate.serial}|${certificate.subject}|${certificate.notAfter.getTime()}`;
      if (this.#mark(id, level, CERT_ORDER)) {
        alerts.push({ kind: 'certificate', level, certificate, msLeft: certificate.notAfter.getTime() - now.getTime() });
      }
    }
    for (const crl of crls) {
      const level = crlLevel(crl.nextUpdate, now);
      if (level === undefined) continue;
      if (this.#mark(`crl|${crl.issuer}|${crl.nextUpdate.getTime()}`, level, CRL_ORDER)) {
        alerts.push({ kind: 'crl', level, crl, msLeft: crl.nextUpdate.getTime() - now.getTime() });
      }
    }
    return alerts;
  }

  /** True when `level` was not given yet; marks it and every milder level given. */
  #mark<L extends string>(id: string, level: L, order: readonly L[]): boolean {
    if (this.#given.has(`${id}|${level}`)) return false;
    for (const l of order.slice(0, order.indexOf(level) + 1)) this.#given.add(`${id}|${l}`);
    return true;
  }
}

/** What an operator should do about an alert, for the log message. */
export function alertMessage(alert: ExpiryAlert): string {
  if (alert.kind === 'crl') {
    const { crl } = alert;
    if (crl.source === 'file') {
      return alert.level === 'stale'
        ? 'the CRL in tls.crl is past its nextUpdate: TLS refuses every peer of that CA until the file holds a fresh CRL from the CA operator'
        : 'the CRL in tls.crl reaches its nextUpdate within 24 hours: replace the file with a fresh CRL from the CA operator (credfed ca crl on their node)';
    }
    if (crl.source === 'anchor') {
      return alert.level === 'stale'
        ? `the CRL of partner ${crl.issuer}'s CA is past its nextUpdate: that partner's certificates are refused until you import a fresh CRL with credfed ca import-crl`
        : `the CRL of partner ${crl.issuer}'s CA reaches its nextUpdate within 24 hours: import a fresh CRL with credfed ca import-crl`;
    }
    return alert.level === 'stale'
      ? 'our CA CRL is past its nextUpdate: handshakes that check it fail; publish one with credfed ca crl (and set ca.passphraseFile so the gateway re-issues it)'
      : 'our CA CRL reaches its nextUpdate within 24 hours and was not re-issued: publish one with credfed ca crl, or set ca.passphraseFile';
  }
  const { role } = alert.certificate;
  const what = { own: "this node's TLS certificate", ca: 'a CA certificate', partner: 'a certificate our CA issued', anchor: "a partner's CA certificate" }[role];
  const todo = {
    own: 'renew it (credfed cert renew) and replace tls.cert',
    ca: 'plan the CA rollover and distribute the new CA certificate',
    partner: 'renew it with credfed cert renew',
    anchor: 'ask the partner for its new CA and import it with credfed ca import',
  }[role];
  if (alert.level === 'expired') return `${what} has expired: ${todo}`;
  return `${what} expires within ${alert.level === '30d' ? 30 : 7} days: ${todo}`;
}
