/**
 * Our CRL re-issued automatically (issue 4, point 3): on a real store with a
 * real CA, time from an injected clock. Runs on PostgreSQL too (DATABASE_URL),
 * where the two keepers use two connection pools, as two replicas would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrlKeeper } from '../../../src/ca/crl-keeper.js';
import { publishCrl } from '../../../src/ca/publish-crl.js';
import { fixedClock } from '../../../src/core/clock.js';
import { getCa } from '../../../src/store/repos/certificates-repo.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';
import { openssl, writePem } from '../../unit/ca/openssl-helpers.js';
import { captureLog, createCaFixture, ERROR, FEDERATION, WARN, type CaFixture } from './expiry-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the CRL keeper', () => {
  let ts: TestStore;
  let fx: CaFixture;
  const clock = fixedClock(new Date('2026-11-23T08:00:00.000Z'));
  const keeper = (store: Store, passphraseFile: string | undefined, log = captureLog().log) =>
    new CrlKeeper({ store, federation: FEDERATION, nodeId: 'city', clock, passphraseFile, log });
  const crlState = async (store: Store = ts.store) => {
    const row = (await getCa(store))!;
    return { number: row.nextCrlNumber - 1n, pem: row.crlPem, thisUpdate: row.crlThisUpdate, nextUpdate: row.crlNextUpdate };
  };

  beforeAll(async () => {
    ts = await createTestStore();
    fx = await createCaFixture(ts.store, clock);
  });
  afterAll(async () => ts?.cleanup());

  it('without ca.passphraseFile: warns once that the CRL will not be renewed, publishes nothing', async () => {
    const { log, lines } = captureLog();
    const k = keeper(ts.store, undefined, log);
    expect(await k.checkNow()).toBeUndefined();
    expect(await k.checkNow()).toBeUndefined();
    clock.advance(DAY);
    expect(await k.checkNow()).toBeUndefined();
    const warnings = lines.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/will not be renewed automatically/);
    expect((await crlState()).pem).toBeNull();
  });

  it('with a wrong passphrase: one error, nothing published, and checkNow still resolves', async () => {
    const wrong = writePem(fx.dir, 'wrong.pass', 'not the CA passphrase at all\n');
    const { log, lines } = captureLog();
    const k = keeper(ts.store, wrong, log);
    expect(await k.checkNow()).toBeUndefined();
    expect(await k.checkNow()).toBeUndefined();
    const errors = lines.filter((l) => l.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'CA_PASSPHRASE_WRONG' });
    expect((await crlState()).pem).toBeNull();
    // a missing passphrase file is reported (once) the same way
    const missing = captureLog();
    await keeper(ts.store, path.join(fx.dir, 'nope.pass'), missing.log).checkNow();
    expect(missing.lines.filter((l) => l.level === ERROR).map((l) => l.code)).toEqual(['CERT_FILE_MISSING']);
  });

  it('publishes a CRL at once when none was ever published', async () => {
    const published = await keeper(ts.store, fx.passFile).checkNow();
    expect(published).toMatchObject({ number: 1n, revoked: 0 });
    const state = await crlState();
    expect(state).toMatchObject({ number: 1n, thisUpdate: clock.now(), nextUpdate: new Date(clock.now().getTime() + 7 * DAY) });
    // OpenSSL reads it and finds it signed by our CA
    const caFile = writePem(fx.dir, 'ca.pem', fx.ca.row.certPem);
    const crlFile = writePem(fx.dir, 'crl.pem', state.pem!);
    expect(openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout']).output).toMatch(/verify OK/);
  });

  it('does not re-issue while more than half of the CRL validity remains', async () => {
    const k = keeper(ts.store, fx.passFile);
    const before = await crlState();
    clock.advance(3.5 * DAY); // exactly half left: not less than half
    expect(await k.checkNow()).toBeUndefined();
    expect(await crlState()).toEqual(before);
  });

  it('re-issues past half its validity, under a higher CRL number, valid as long as the previous one', async () => {
    const before = await crlState();
    clock.advance(1_000);
    const published = await keeper(ts.store, fx.passFile).checkNow();
    expect(published?.number).toBe(before.number + 1n);
    const after = await crlState();
    expect(after.number).toBe(before.number + 1n);
    expect(after.thisUpdate).toEqual(clock.now());
    expect(after.nextUpdate!.getTime() - after.thisUpdate!.getTime()).toBe(7 * DAY);
    expect(await keeper(ts.store, fx.passFile).checkNow()).toBeUndefined();
  });

  it('keeps the validity an admin chose with ca crl --next-update', async () => {
    await publishCrl(fx.ctx, fx.ca, { validMs: DAY });
    const before = await crlState();
    clock.advance(12 * HOUR - 1_000);
    expect(await keeper(ts.store, fx.passFile).checkNow()).toBeUndefined();
    clock.advance(2_000);
    const published = await keeper(ts.store, fx.passFile).checkNow();
    expect(published?.number).toBe(before.number + 1n);
    expect(published!.nextUpdate.getTime() - published!.thisUpdate.getTime()).toBe(DAY);
  });

  it('two keepers (two replicas) on one store publish one CRL between them', async () => {
    // a second pool on the same PostgreSQL database when there is one; the embedded store admits one opener
    const second = ts.databaseUrl ? await openStore({ databaseUrl: ts.databaseUrl }) : ts.store;
    try {
      const before = await crlState();
      clock.advance(DAY);
      const results = await Promise.all([keeper(ts.store, fx.passFile).checkNow(), keeper(second, fx.passFile).checkNow()]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect((await crlState(second)).number).toBe(before.number + 1n);
    } finally {
      if (second !== ts.store) await second.close();
    }
  });

  it('leaves a store without a CA alone, silently', async () => {
    const empty = await createTestStore();
    try {
      const { log, lines } = captureLog();
      expect(await keeper(empty.store, undefined, log).checkNow()).toBeUndefined();
      expect(await keeper(empty.store, fx.passFile, log).checkNow()).toBeUndefined();
      expect(lines).toEqual([]);
      expect(fs.existsSync(fx.passFile)).toBe(true);
    } finally {
      await empty.cleanup();
    }
  });
});
