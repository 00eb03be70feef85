/**
 * Certificate and CRL expiry (issue 4, points 3 and 6) on a real store with a
 * real CA: this node's certificate and CA bundle as files, certificates our CA
 * issued, a foreign CA bound to a partner with its CRL. The clock is injected
 * and advanced; warnings are read from the log, gauges from the registry.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCrl } from '../../../src/ca/publish-crl.js';
import { renewCertificate } from '../../../src/ca/renew-certificate.js';
import { revokeCertificate } from '../../../src/ca/revoke-certificate.js';
import { fixedClock } from '../../../src/core/clock.js';
import { DAY_MS } from '../../../src/obs/expiry-evaluation.js';
import { ExpiryMonitor } from '../../../src/obs/expiry-monitor.js';
import { gatewaySources } from '../../../src/obs/expiry-sources.js';
import { createMetrics, type Metrics } from '../../../src/obs/metrics.js';
import { createCa } from '../../../src/pki/dev-ca.js';
import { createCrl } from '../../../src/pki/crl.js';
import { loadCa } from '../../../src/pki/ca-signer.js';
import type { CertificateRow } from '../../../src/store/repos/certificates-repo.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';
import { writePem } from '../../unit/ca/openssl-helpers.js';
import { addPartner, captureLog, createCaFixture, ERROR, WARN, type CaFixture, type LogLine } from './expiry-fixture.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-23T08:00:00.000Z');

async function gauge(metrics: Metrics, name: string): Promise<Map<string, number>> {
  const metric = await metrics.getSingleMetric(name)!.get();
  return new Map(metric.values.map((v) => [Object.entries(v.labels).filter(([k]) => k !== 'node').map(([k, x]) => `${k}=${x}`).join(','), v.value]));
}

describe('the expiry monitor', () => {
  let ts: TestStore;
  let fx: CaFixture;
  const clock = fixedClock(T0);
  let own: CertificateRow;
  let partner: CertificateRow;
  let renewedOld: CertificateRow;
  let renewedNew: CertificateRow;
  let revoked: CertificateRow;
  let anchor: { serial: string; subject: string; notAfter: Date; crlNextUpdate: Date; crlPem: string };
  let monitor: ExpiryMonitor;
  let metrics: Metrics;
  const captured = captureLog();
  const lines = captured.lines;
  const about = (serial: string) => lines.filter((l) => l.serial === serial);
  const caSerial = () => new X509Certificate(fx.ca.row.certPem).serialNumber.toLowerCase();

  beforeAll(async () => {
    ts = await createTestStore();
    fx = await createCaFixture(ts.store, clock);
    await addPartner(ts.store, 'county-a');
    await addPartner(ts.store, 'county-b');
    await addPartner(ts.store, 'region-b', 'peer_region');
    own = await fx.issue({ profile: 'tls', id: 'city', validDays: 40 });
    partner = await fx.issue({ profile: 'tls', id: 'county-a', validDays: 60 });
    renewedOld = await fx.issue({ profile: 'tls', id: 'county-b', validDays: 20 });
    renewedNew = (await renewCertificate(fx.ctx, fx.ca, { serial: renewedOld.serial, key: { kind: 'same' }, validDays: 400 })).row;
    revoked = await fx.issue({ profile: 'admin', id: 'ops', validDays: 10 });
    await revokeCertificate(fx.ctx, fx.ca, revoked.serial, 'keyCompromise');
    await publishCrl(fx.ctx, fx.ca, { validMs: 7 * DAY_MS });
    // region B's own CA, bound to partner region-b, with its CRL (as credfed ca import would record it)
    const foreign = await createCa({ commonName: 'region B CA', federation: 'region-b', validDays: 50, keyPassphrase: 'foreign passphrase', clock });
    const foreignCa = loadCa({ certPem: foreign.certPem, keyPem: foreign.keyPem, keyPassphrase: 'foreign passphrase' });
    const crlNextUpdate = new Date(T0.getTime() + 3 * DAY_MS);
    const crlPem = await createCrl({ ca: foreignCa, entries: [], crlNumber: 5n, thisUpdate: T0, nextUpdate: crlNextUpdate });
    const x = new X509Certificate(foreign.certPem);
    anchor = { serial: x.serialNumber.toLowerCase(), subject: x.subject.split('\n').join(', '), notAfter: new Date(x.validTo), crlNextUpdate, crlPem };
    await ts.store.query(
      `INSERT INTO trust_anchors (partner_id, fingerprint, subject, cert_pem, not_after, imported_at, imported_by,
         crl_pem, crl_number, crl_this_update, crl_next_update, crl_imported_at)
       VALUES ('region-b', $1, $2, $3, $4, $5, 'ops', $6, 5, $5, $7, $5)`,
      ['ab'.repeat(32), anchor.subject, foreign.certPem, anchor.notAfter, T0, crlPem, crlNextUpdate],
    );
    const certFile = writePem(fx.dir, 'city.crt', own.certPem);
    const caFile = writePem(fx.dir, 'ca.crt', fx.ca.row.certPem);
    metrics = createMetrics('city');
    monitor = new ExpiryMonitor({ sources: gatewaySources({ nodeId: 'city', store: ts.store, certFile, caFile }), metrics, clock, log: captured.log });
  });
  afterAll(async () => {
    await monitor?.stop();
    await ts?.cleanup();
  });

  it('measures every watched certificate and CRL in seconds, exactly to the clock', async () => {
    await monitor.checkNow();
    const now = clock.now().getTime();
    const left = (d: Date) => (d.getTime() - now) / 1000;
    const certs = await gauge(metrics, 'credfed_certificate_expiry_seconds');
    expect(certs).toEqual(
      new Map([
        [`role=own,subject=city,serial=${own.serial}`, left(own.notAfter)],
        [`role=ca,subject=CN=demo expiry test CA, O=demo,serial=${caSerial()}`, left(new Date(fx.ca.ca.x509.validTo))],
        [`role=partner,subject=county-a,serial=${partner.serial}`, left(partner.notAfter)],
        [`role=partner,subject=county-b,serial=${renewedOld.serial}`, left(renewedOld.notAfter)],
        [`role=partner,subject=county-b,serial=${renewedNew.serial}`, left(renewedNew.notAfter)],
        [`role=anchor,subject=${anchor.subject},serial=${anchor.serial}`, left(anchor.notAfter)],
      ]),
    );
    // the revoked admin certificate is gone; the own certificate (issued by our CA too) is reported once, as own
    expect(certs.get(`role=own,subject=city,serial=${own.serial}`)).toBe(40 * 86_400);
    const crls = await gauge(metrics, 'credfed_crl_next_update_seconds');
    expect(crls).toEqual(new Map([['issuer=city', 7 * 86_400], ['issuer=region-b', 3 * 86_400]]));
    // the values follow the clock at scrape time
    clock.advance(1_500);
    expect((await gauge(metrics, 'credfed_crl_next_update_seconds')).get('issuer=city')).toBe(7 * 86_400 - 1.5);
    clock.set(T0);
  });

  it('no certificate warnings 31 days before the first expiry', async () => {
    clock.set(new Date(own.notAfter.getTime() - 31 * DAY_MS));
    lines.length = 0;
    await monitor.checkNow();
    expect(lines.filter((l) => l.serial !== undefined)).toEqual([]);
  });

  it('one 30-day warning at 30 days, not repeated by later checks', async () => {
    clock.set(new Date(own.notAfter.getTime() - 30 * DAY_MS));
    await monitor.checkNow();
    await monitor.checkNow();
    clock.advance(HOUR);
    await monitor.checkNow();
    expect(about(own.serial)).toEqual([
      expect.objectContaining({ level: WARN, role: 'own', subject: 'city', threshold: '30d', daysLeft: 30, notAfter: own.notAfter.toISOString() }),
    ]);
  });

  it('one 7-day warning at 7 days', async () => {
    clock.set(new Date(own.notAfter.getTime() - 8 * DAY_MS));
    await monitor.checkNow();
    expect(about(own.serial)).toHaveLength(1);
    clock.set(new Date(own.notAfter.getTime() - 7 * DAY_MS));
    await monitor.checkNow();
    await monitor.checkNow();
    expect(about(own.serial).map((l) => [l.level, l.threshold, l.daysLeft])).toEqual([
      [WARN, '30d', 30],
      [WARN, '7d', 7],
    ]);
  });

  it('one error once expired; the gauge goes negative', async () => {
    clock.set(new Date(own.notAfter.getTime() + 1_000));
    await monitor.checkNow();
    await monitor.checkNow();
    expect(about(own.serial).map((l) => [l.level, l.threshold])).toEqual([
      [WARN, '30d'],
      [WARN, '7d'],
      [ERROR, 'expired'],
    ]);
    expect((await gauge(metrics, 'credfed_certificate_expiry_seconds')).get(`role=own,subject=city,serial=${own.serial}`)).toBe(-1);
  });

  it('warned the partner certificate and the foreign CA too; never the renewed certificate', () => {
    // the clock went as far as 20 days before the partner's (60-day) certificate and 10 days before region B's CA (50 days)
    expect(about(partner.serial).map((l) => [l.role, l.threshold])).toEqual([['partner', '30d']]);
    expect(about(anchor.serial).map((l) => [l.role, l.threshold])).toEqual([['anchor', '30d']]);
    expect(about(renewedOld.serial)).toEqual([]);
    expect(about(renewedNew.serial)).toEqual([]);
  });

  it('CRLs: one error each once past nextUpdate, naming import-crl for the foreign one', () => {
    const crlLines = lines.filter((l) => l.issuer !== undefined) as LogLine[];
    // the clock jumped from T0 to 9 days before the first expiry: both CRLs were already past nextUpdate
    expect(crlLines.map((l) => [l.issuer, l.level, l.threshold])).toEqual([
      ['city', ERROR, 'stale'],
      ['region-b', ERROR, 'stale'],
    ]);
    expect(crlLines[1]!.msg).toContain('credfed ca import-crl');
  });

  it('a CRL within 24 hours of its nextUpdate gives one warning', async () => {
    const published = await publishCrl(fx.ctx, fx.ca, { validMs: 2 * DAY_MS });
    lines.length = 0;
    clock.set(new Date(published.nextUpdate.getTime() - 25 * HOUR));
    await monitor.checkNow();
    expect(lines.filter((l) => l.issuer === 'city')).toEqual([]);
    clock.set(new Date(published.nextUpdate.getTime() - 24 * HOUR));
    await monitor.checkNow();
    await monitor.checkNow();
    expect(lines.filter((l) => l.issuer === 'city')).toEqual([expect.objectContaining({ level: WARN, threshold: 'due', hoursLeft: 24 })]);
  });

  it('watches the tls.crl file of a node that trusts a CA it does not run', async () => {
    const crlFile = writePem(fx.dir, 'federation.crl', anchor.crlPem);
    const fileMetrics = createMetrics('county-a');
    const { log, lines: fileLines } = captureLog();
    const county = new ExpiryMonitor({
      sources: gatewaySources({ nodeId: 'county-a', store: ts.store, certFile: `${fx.dir}/city.crt`, caFile: `${fx.dir}/ca.crt`, crlFile }),
      metrics: fileMetrics,
      clock,
      log,
    });
    clock.set(new Date(anchor.crlNextUpdate.getTime() - 2 * HOUR));
    await county.checkNow();
    await county.checkNow();
    expect((await gauge(fileMetrics, 'credfed_crl_next_update_seconds')).get('issuer=tls.crl')).toBe(2 * 3600);
    expect(fileLines.filter((l) => l.issuer === 'tls.crl')).toEqual([expect.objectContaining({ level: WARN, threshold: 'due', hoursLeft: 2 })]);
    await county.stop();
  });

  it('a certificate file that cannot be read is reported once, and the last reading kept', async () => {
    const broken = new ExpiryMonitor({
      sources: gatewaySources({ nodeId: 'city', store: ts.store, certFile: `${fx.dir}/missing.crt`, caFile: `${fx.dir}/ca.crt` }),
      metrics: createMetrics('city'),
      clock,
      log: captured.log,
    });
    lines.length = 0;
    await broken.checkNow();
    await broken.checkNow();
    expect(lines.filter((l) => l.file === 'tls.cert')).toHaveLength(1);
    await broken.stop();
  });
});
