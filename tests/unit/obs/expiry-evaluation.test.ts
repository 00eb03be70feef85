import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  ExpiryAlerts,
  alertMessage,
  certificateLevel,
  crlLevel,
  daysLeft,
  type WatchedCertificate,
  type WatchedCrl,
} from '../../../src/obs/expiry-evaluation.js';

const NOT_AFTER = new Date('2027-03-01T00:00:00Z');
const before = (ms: number) => new Date(NOT_AFTER.getTime() - ms);
const cert = (over: Partial<WatchedCertificate> = {}): WatchedCertificate => ({
  role: 'partner',
  subject: 'county-a',
  serial: '0a1b',
  notAfter: NOT_AFTER,
  ...over,
});
const HOUR = 3_600_000;

describe('certificateLevel', () => {
  it.each([
    [31 * DAY_MS, undefined],
    [30 * DAY_MS + 1, undefined],
    [30 * DAY_MS, '30d'],
    [8 * DAY_MS, '30d'],
    [7 * DAY_MS + 1, '30d'],
    [7 * DAY_MS, '7d'],
    [1, '7d'],
    [0, 'expired'],
    [-DAY_MS, 'expired'],
  ] as const)('%d ms before notAfter → %s', (ms, level) => {
    expect(certificateLevel(NOT_AFTER, before(ms))).toBe(level);
  });
});

describe('crlLevel', () => {
  it.each([
    [25 * HOUR, undefined],
    [24 * HOUR, 'due'],
    [1, 'due'],
    [0, 'stale'],
    [-HOUR, 'stale'],
  ] as const)('%d ms before nextUpdate → %s', (ms, level) => {
    expect(crlLevel(NOT_AFTER, before(ms))).toBe(level);
  });
});

describe('ExpiryAlerts', () => {
  const levels = (alerts: ReturnType<ExpiryAlerts['evaluate']>) => alerts.map((a) => a.level);

  it('gives the 30-day warning, the 7-day warning and the expiry error once each as time passes', () => {
    const alerts = new ExpiryAlerts();
    const at = (days: number) => levels(alerts.evaluate([cert()], [], before(days * DAY_MS)));
    expect(at(31)).toEqual([]);
    expect(at(30)).toEqual(['30d']);
    expect(at(30)).toEqual([]);
    expect(at(29)).toEqual([]);
    expect(at(8)).toEqual([]);
    expect(at(7)).toEqual(['7d']);
    expect(at(7)).toEqual([]);
    expect(at(1)).toEqual([]);
    expect(at(0)).toEqual(['expired']);
    expect(at(-1)).toEqual([]);
  });

  it('a certificate first seen with 5 days left gets the 7-day warning only', () => {
    const alerts = new ExpiryAlerts();
    expect(levels(alerts.evaluate([cert()], [], before(5 * DAY_MS)))).toEqual(['7d']);
    expect(levels(alerts.evaluate([cert()], [], before(4 * DAY_MS)))).toEqual([]);
  });

  it('keeps certificates apart by role and serial', () => {
    const alerts = new ExpiryAlerts();
    const certs = [cert(), cert({ serial: '0a1c' }), cert({ role: 'own', subject: 'city' }), cert({ role: 'anchor', subject: 'CN=B CA' })];
    const got = alerts.evaluate(certs, [], before(30 * DAY_MS));
    expect(got).toHaveLength(4);
    expect(got.every((a) => a.level === '30d')).toBe(true);
    expect(alerts.evaluate(certs, [], before(29 * DAY_MS))).toEqual([]);
  });

  it('a renewed certificate gives no warnings', () => {
    expect(new ExpiryAlerts().evaluate([cert({ renewedBy: '0b00' })], [], before(DAY_MS))).toEqual([]);
  });

  it('reports the time left exactly', () => {
    const [alert] = new ExpiryAlerts().evaluate([cert()], [], before(30 * DAY_MS - 1234));
    expect(alert).toMatchObject({ kind: 'certificate', level: '30d', msLeft: 30 * DAY_MS - 1234 });
    expect(daysLeft(alert!.msLeft)).toBe(30);
    expect(daysLeft(-1)).toBe(0);
  });

  it('warns about a CRL within 24 hours of nextUpdate and errs once past it; a fresh CRL starts afresh', () => {
    const alerts = new ExpiryAlerts();
    const crl: WatchedCrl = { issuer: 'region-b', source: 'anchor', nextUpdate: NOT_AFTER };
    const at = (c: WatchedCrl, hours: number) => levels(alerts.evaluate([], [c], before(hours * HOUR)));
    expect(at(crl, 25)).toEqual([]);
    expect(at(crl, 24)).toEqual(['due']);
    expect(at(crl, 2)).toEqual([]);
    expect(at(crl, 0)).toEqual(['stale']);
    expect(at(crl, -5)).toEqual([]);
    const fresh = { ...crl, nextUpdate: new Date(NOT_AFTER.getTime() + 7 * DAY_MS) };
    expect(at(fresh, -5)).toEqual([]);
    expect(levels(alerts.evaluate([], [fresh], new Date(fresh.nextUpdate.getTime() - HOUR)))).toEqual(['due']);
  });

  it('tells a foreign CRL to be imported with credfed ca import-crl', () => {
    const [stale] = new ExpiryAlerts().evaluate([], [{ issuer: 'region-b', source: 'anchor', nextUpdate: NOT_AFTER }], NOT_AFTER);
    expect(alertMessage(stale!)).toContain('credfed ca import-crl');
  });
});
