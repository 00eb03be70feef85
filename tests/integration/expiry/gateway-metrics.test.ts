/**
 * A real gateway serving /metrics over HTTP on 127.0.0.1 (issue 4, points 3
 * and 6): certificate and CRL gauges exact to the injected clock, our CRL
 * published at start and re-issued past half its validity by the gateway
 * itself, the endpoint closed on stop, a taken metrics port refused cleanly.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../../src/config/load-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { CredfedError } from '../../../src/core/errors.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { getCa, type CertificateRow } from '../../../src/store/repos/certificates-repo.js';
import { openStore } from '../../../src/store/store.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { writePem } from '../../unit/ca/openssl-helpers.js';
import { addPartner, captureLog, createCaFixture, FEDERATION, WARN, type CaFixture } from './expiry-fixture.js';

const DAY = 86_400_000;

/** The value of the one series of `name` whose labels include every `labels` pair. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => m[2]!.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return undefined;
}

describe('a gateway serving /metrics', () => {
  let storeConfig: TestStoreConfig;
  let fx: CaFixture;
  let own: CertificateRow;
  let partner: CertificateRow;
  let configFile: (metricsPort: number) => string;
  // a whole second near real time, so the CRLs the gateway signs are current for TLS as well
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const t0 = clock.now().getTime();

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    const store = await openStore(storeConfig);
    try {
      fx = await createCaFixture(store, clock);
      await addPartner(store, 'county-a');
      own = await fx.issue({ profile: 'tls', id: 'city', validDays: 40 });
      partner = await fx.issue({ profile: 'tls', id: 'county-a', validDays: 90 });
    } finally {
      await store.close();
    }
    const tls = {
      ca: writePem(fx.dir, 'ca.crt', fx.ca.row.certPem),
      cert: writePem(fx.dir, 'city.crt', own.certPem),
      key: writePem(fx.dir, 'city.key', fx.key.export({ type: 'pkcs8', format: 'pem' }) as string),
    };
    configFile = (metricsPort) => {
      const file = path.join(fx.dir, `city-${metricsPort}.yaml`);
      const doc = {
        node: { id: 'city', federation: FEDERATION },
        listen: '127.0.0.1:0',
        store: storeConfig.databaseUrl ? { databaseUrl: storeConfig.databaseUrl } : { dataDir: storeConfig.dataDir },
        tls,
        ca: { passphraseFile: fx.passFile },
        metrics: { listen: `127.0.0.1:${metricsPort}` },
        partners: [{ id: 'county-a', kind: 'child_county' }],
      };
      fs.writeFileSync(file, YAML.stringify(doc));
      return file;
    };
  });
  afterAll(async () => storeConfig?.cleanup());

  it('serves the expiry gauges, re-issues the CRL past half its validity, closes on stop', async () => {
    const port = await freePort();
    const { log, lines } = captureLog();
    const gateway: Gateway = await startGateway(loadConfig(configFile(port), {}), { log, clock, expiryCheckMs: 100 });
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      const text = await (await fetch(url)).text();
      expect(sample(text, 'credfed_certificate_expiry_seconds', { role: 'own', subject: 'city', serial: own.serial })).toBe(40 * 86_400);
      expect(sample(text, 'credfed_certificate_expiry_seconds', { role: 'partner', subject: 'county-a', serial: partner.serial })).toBe(
        (partner.notAfter.getTime() - t0) / 1000,
      );
      expect(sample(text, 'credfed_certificate_expiry_seconds', { role: 'ca', serial: fx.ca.ca.x509.serialNumber.toLowerCase() })).toBe(
        (new Date(fx.ca.ca.x509.validTo).getTime() - t0) / 1000,
      );
      expect(text).toContain('node="city"');
      // no CRL had been published: the gateway published one at start, valid 7 days
      expect(sample(text, 'credfed_crl_next_update_seconds', { issuer: 'city' })).toBe(7 * 86_400);
      expect((await getCa(gateway.store))!.nextCrlNumber).toBe(2n);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);

      // past half of its validity, the periodic check re-issues it
      clock.advance(3.5 * DAY + 1_000);
      await waitFor(async () => (await getCa(gateway.store))!.nextCrlNumber === 3n, 20_000, 'the CRL re-issued');
      const after = await waitFor(async () => {
        const t = await (await fetch(url)).text();
        return sample(t, 'credfed_crl_next_update_seconds', { issuer: 'city' }) === 7 * 86_400 ? t : undefined;
      }, 20_000, 'the gauge of the new CRL');
      expect(sample(after!, 'credfed_certificate_expiry_seconds', { role: 'own', serial: own.serial })).toBe(40 * 86_400 - 3.5 * 86_400 - 1);

      // 30 days before its certificate expires, the gateway warns once
      clock.set(new Date(own.notAfter.getTime() - 30 * DAY));
      await waitFor(() => lines.some((l) => l.serial === own.serial), 20_000, 'the 30-day warning');
      expect(lines.filter((l) => l.serial === own.serial)).toEqual([expect.objectContaining({ level: WARN, threshold: '30d', role: 'own' })]);
    } finally {
      await gateway.stop();
    }
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a taken metrics port is CONFIG_INVALID, and the gateway leaves its store usable', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await startGateway(loadConfig(configFile(taken), {}), { log: captureLog().log, clock }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredfedError);
      expect((error as CredfedError).code).toBe('CONFIG_INVALID');
    } finally {
      blocker.close();
    }
    const gateway = await startGateway(loadConfig(configFile(await freePort()), {}), { log: captureLog().log, clock });
    await gateway.stop();
  });
});
