// The partner registry in the store (src/store/repos/partners-repo.ts), on the
// backend the environment selects: every change with exactly one history row,
// nothing half-written on failure, keyset paging, seeding from the file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PartnerConfig } from '../../../src/config/node-config.js';
import {
  addPartner,
  getPartner,
  listPartnerChanges,
  listPartners,
  seedFromConfig,
  setPartnerStatus,
  updatePartner,
} from '../../../src/store/repos/partners-repo.js';
import type { Store } from '../../../src/store/store.js';
import { codeOf } from '../../helpers/error-code.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

let test: TestStore;
let store: Store;

beforeAll(async () => {
  test = await createTestStore();
  store = test.store;
});
afterAll(async () => test?.cleanup());
beforeEach(async () => {
  await store.query('DELETE FROM partner_changes');
  await store.query('DELETE FROM partners');
});

async function counts(): Promise<{ partners: number; changes: number }> {
  const { rows } = await store.query<{ partners: string; changes: string }>(
    'SELECT (SELECT count(*) FROM partners) AS partners, (SELECT count(*) FROM partner_changes) AS changes',
  );
  return { partners: Number(rows[0]!.partners), changes: Number(rows[0]!.changes) };
}

async function changesOf(id: string) {
  return (await listPartnerChanges(store, id, { pageSize: 500 })).items;
}

const countyA = { id: 'county-a', displayName: '浑南区', kind: 'child_county', endpoint: '10.0.0.5:7400' } as const;

describe('add', () => {
  it('registers an active partner at revision 1 and records who added it', async () => {
    const added = await addPartner(store, countyA, { actor: 'cli:alice' });
    expect(added).toMatchObject({ ...countyA, status: 'active', revision: 1 });
    expect(await getPartner(store, 'county-a')).toEqual(added);
    const [change, ...more] = await changesOf('county-a');
    expect(more).toEqual([]);
    expect(change).toMatchObject({ partnerId: 'county-a', revision: 1, actor: 'cli:alice', action: 'add' });
    expect(change!.before).toBeUndefined();
    expect(change!.after).toEqual({ id: 'county-a', displayName: '浑南区', kind: 'child_county', endpoint: '10.0.0.5:7400', status: 'active', trustAnchor: null, revision: 1 });
    expect(change!.changedAt).toBeInstanceOf(Date);
  });

  it('a duplicate id is PARTNER_EXISTS, and nothing is written or changed', async () => {
    await addPartner(store, countyA, { actor: 'cli:alice' });
    const before = await counts();
    expect(await codeOf(addPartner(store, { id: 'county-a', displayName: 'other', kind: 'peer_region' }, { actor: 'cli:bob' }))).toBe('PARTNER_EXISTS');
    expect(await counts()).toEqual(before);
    expect(await getPartner(store, 'county-a')).toMatchObject({ displayName: '浑南区', kind: 'child_county', revision: 1 });
  });

  it('an invalid definition or actor is PARTNER_INVALID, and nothing is written', async () => {
    expect(await codeOf(addPartner(store, { ...countyA, kind: 'grand_city' as never }, { actor: 'x' }))).toBe('PARTNER_INVALID');
    expect(await codeOf(addPartner(store, { ...countyA, id: 'County A' }, { actor: 'x' }))).toBe('PARTNER_INVALID');
    expect(await codeOf(addPartner(store, countyA, { actor: ' ' }))).toBe('PARTNER_INVALID');
    expect(await counts()).toEqual({ partners: 0, changes: 0 });
  });
});

describe('update, suspend, resume', () => {
  beforeEach(async () => void (await addPartner(store, countyA, { actor: 'cli:alice' })));

  it('each change writes exactly one history row with its actor, revision, before and after', async () => {
    const updated = await updatePartner(store, 'county-a', { displayName: '浑南区信用平台', endpoint: null }, { actor: 'cli:bob' });
    expect(updated.changed).toBe(true);
    expect(updated.partner).toMatchObject({ displayName: '浑南区信用平台', revision: 2, status: 'active' });
    expect(updated.partner.endpoint).toBeUndefined();
    const suspended = await setPartnerStatus(store, 'county-a', 'suspended', { actor: 'cli:carol', reason: 'key leaked' });
    expect(suspended.partner).toMatchObject({ status: 'suspended', revision: 3 });
    const resumed = await setPartnerStatus(store, 'county-a', 'active', { actor: 'ops-bot' });
    expect(resumed.partner).toMatchObject({ status: 'active', revision: 4 });

    const history = await changesOf('county-a');
    expect(history.map((c) => [c.revision, c.action, c.actor, c.reason])).toEqual([
      [1, 'add', 'cli:alice', undefined],
      [2, 'update', 'cli:bob', undefined],
      [3, 'suspend', 'cli:carol', 'key leaked'],
      [4, 'resume', 'ops-bot', undefined],
    ]);
    expect(history[1]!.before).toMatchObject({ displayName: '浑南区', endpoint: '10.0.0.5:7400', revision: 1 });
    expect(history[1]!.after).toMatchObject({ displayName: '浑南区信用平台', endpoint: null, revision: 2 });
    expect(history[2]!.before).toMatchObject({ status: 'active' });
    expect(history[2]!.after).toMatchObject({ status: 'suspended', revision: 3 });
    expect(await counts()).toEqual({ partners: 1, changes: 4 });
  });

  it('a change to what already is writes nothing', async () => {
    expect((await updatePartner(store, 'county-a', { displayName: '浑南区', kind: 'child_county' }, { actor: 'x' })).changed).toBe(false);
    expect((await setPartnerStatus(store, 'county-a', 'active', { actor: 'x' })).changed).toBe(false);
    await setPartnerStatus(store, 'county-a', 'suspended', { actor: 'x' });
    expect((await setPartnerStatus(store, 'county-a', 'suspended', { actor: 'y' })).changed).toBe(false);
    expect(await counts()).toEqual({ partners: 1, changes: 2 });
  });

  it('an unknown partner is PARTNER_NOT_FOUND; an invalid change or a stale revision is PARTNER_INVALID; nothing is written', async () => {
    const before = await counts();
    expect(await codeOf(updatePartner(store, 'county-z', { displayName: 'x' }, { actor: 'x' }))).toBe('PARTNER_NOT_FOUND');
    expect(await codeOf(setPartnerStatus(store, 'county-z', 'suspended', { actor: 'x' }))).toBe('PARTNER_NOT_FOUND');
    expect(await codeOf(updatePartner(store, 'county-a', { endpoint: 'no-port' }, { actor: 'x' }))).toBe('PARTNER_INVALID');
    expect(await codeOf(updatePartner(store, 'county-a', { displayName: 'x' }, { actor: 'x', expectedRevision: 7 }))).toBe('PARTNER_INVALID');
    expect(await codeOf(setPartnerStatus(store, 'county-a', 'suspended', { actor: 'x', reason: 'r'.repeat(1001) }))).toBe('PARTNER_INVALID');
    expect(await counts()).toEqual(before);
    expect((await updatePartner(store, 'county-a', { displayName: 'x' }, { actor: 'x', expectedRevision: 1 })).partner.revision).toBe(2);
  });

  it('when the history row cannot be written, the partner is not changed either', async () => {
    // A stray history row at the next revision makes the change's own history insert fail.
    await store.query(`INSERT INTO partner_changes (partner_id, revision, actor, action) VALUES ('county-a', 2, 'someone', 'update')`);
    await expect(setPartnerStatus(store, 'county-a', 'suspended', { actor: 'x' })).rejects.toThrow();
    expect(await getPartner(store, 'county-a')).toMatchObject({ status: 'active', revision: 1 });
  });
});

describe('paging', () => {
  const ids = Array.from({ length: 120 }, (_, i) => `p-${String(i).padStart(3, '0')}`);

  beforeEach(async () => {
    // Added out of order: the list is in id order whatever the insertion order.
    for (const id of [...ids].reverse()) await addPartner(store, { id, displayName: id, kind: 'service_agency' }, { actor: 'test' });
  });

  it('pages through 120 partners 50 at a time: every one exactly once, in id order', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await listPartners(store, { pageSize: 50, pageToken: token });
      sizes.push(page.items.length);
      seen.push(...page.items.map((p) => p.id));
      token = page.nextPageToken;
    } while (token);
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(ids);
  });

  it('a partner added between pages appears once, in its place', async () => {
    const first = await listPartners(store, { pageSize: 50 });
    await addPartner(store, { id: 'a-first', displayName: 'a', kind: 'admin' }, { actor: 'test' });
    await addPartner(store, { id: 'z-last', displayName: 'z', kind: 'admin' }, { actor: 'test' });
    const rest = await listPartners(store, { pageSize: 500, pageToken: first.nextPageToken });
    expect(rest.nextPageToken).toBeUndefined();
    expect([...first.items, ...rest.items].map((p) => p.id)).toEqual([...ids, 'z-last']);
  });

  it('defaults to 50 a page and never gives more than 500', async () => {
    expect((await listPartners(store)).items).toHaveLength(50);
    for (let i = 0; i < 400; i++) await addPartner(store, { id: `q-${i}`, displayName: 'q', kind: 'admin' }, { actor: 'test' });
    const page = await listPartners(store, { pageSize: 10_000 });
    expect(page.items).toHaveLength(500);
    expect(page.nextPageToken).toBeDefined();
  });

  it('a token that is not one of ours is PAGE_TOKEN_INVALID', async () => {
    expect(await codeOf(listPartners(store, { pageToken: 'not a token' }))).toBe('PAGE_TOKEN_INVALID');
    expect(await codeOf(listPartners(store, { pageToken: Buffer.from('NOT AN ID').toString('base64url') }))).toBe('PAGE_TOKEN_INVALID');
    expect(await codeOf(listPartnerChanges(store, 'p-000', { pageToken: Buffer.from('p-000').toString('base64url') }))).toBe('PAGE_TOKEN_INVALID');
  });

  it("pages a partner's history too", async () => {
    for (let i = 0; i < 6; i++) await setPartnerStatus(store, 'p-000', i % 2 === 0 ? 'suspended' : 'active', { actor: `a${i}` });
    const first = await listPartnerChanges(store, 'p-000', { pageSize: 4 });
    const second = await listPartnerChanges(store, 'p-000', { pageSize: 4, pageToken: first.nextPageToken });
    expect(first.items.map((c) => c.revision)).toEqual([1, 2, 3, 4]);
    expect(second.items.map((c) => c.revision)).toEqual([5, 6, 7]);
    expect(second.nextPageToken).toBeUndefined();
    expect(await codeOf(listPartnerChanges(store, 'nobody'))).toBe('PARTNER_NOT_FOUND');
  });
});

describe('seedFromConfig', () => {
  const file = (...partners: PartnerConfig[]) => ({ partners });
  const a: PartnerConfig = { id: 'county-a', kind: 'child_county', push: false, relay: false };
  const b: PartnerConfig = { id: 'city', kind: 'parent_city', endpoint: '10.0.0.1:7400', push: true, relay: false };
  const c: PartnerConfig = { id: 'benxi', kind: 'peer_region', push: false, relay: false };

  it('adds the missing partners only (actor "config", action "seed"); registry edits win over the file', async () => {
    const first = await seedFromConfig(store, file(a, b));
    expect(first.map((p) => p.id)).toEqual(['county-a', 'city']);
    expect(await getPartner(store, 'city')).toMatchObject({ displayName: 'city', kind: 'parent_city', endpoint: '10.0.0.1:7400', status: 'active' });
    await updatePartner(store, 'county-a', { displayName: '浑南区', endpoint: '10.0.0.9:7400' }, { actor: 'cli:alice' });
    await setPartnerStatus(store, 'county-a', 'suspended', { actor: 'cli:alice' });

    const again = await seedFromConfig(store, file({ ...a, kind: 'peer_region' }, b, c));
    expect(again.map((p) => p.id)).toEqual(['benxi']);
    expect(await getPartner(store, 'county-a')).toMatchObject({ displayName: '浑南区', kind: 'child_county', endpoint: '10.0.0.9:7400', status: 'suspended', revision: 3 });
    expect((await changesOf('benxi')).map((ch) => [ch.revision, ch.actor, ch.action])).toEqual([[1, 'config', 'seed']]);
    expect((await changesOf('county-a')).map((ch) => ch.action)).toEqual(['seed', 'update', 'suspend']);
    expect(await seedFromConfig(store, file(a, b, c))).toEqual([]);
    expect(await counts()).toEqual({ partners: 3, changes: 5 });
  });

  it('replicas seeding at once add each partner exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => seedFromConfig(store, file(a, b, c))));
    expect(results.flat().map((p) => p.id).sort()).toEqual(['benxi', 'city', 'county-a']);
    expect(await counts()).toEqual({ partners: 3, changes: 3 });
  });

  it('a file without partners seeds nothing', async () => {
    expect(await seedFromConfig(store, file())).toEqual([]);
  });
});
