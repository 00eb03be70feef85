// Store.query and Store.transaction on the backend the environment selects
// (embedded PGlite by default, PostgreSQL when DATABASE_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe(`store transactions (${onPostgres ? 'postgres' : 'embedded'})`, () => {
  let testStore: TestStore;
  let store: Store;

  beforeAll(async () => {
    testStore = await createTestStore();
    store = testStore.store;
    await store.query('CREATE TABLE tx_items (id int PRIMARY KEY, label text NOT NULL)');
    await store.query('CREATE TABLE tx_counter (id int PRIMARY KEY, n int NOT NULL)');
  });
  afterAll(async () => {
    await testStore?.cleanup();
  });

  it('reports its backend', () => {
    expect(store.backend).toBe(onPostgres ? 'postgres' : 'embedded');
  });

  it('runs parameterised queries and returns typed rows', async () => {
    const result = await store.query<{ sum: number; label: string }>('SELECT $1::int + $2::int AS sum, $3::text AS label', [2, 3, 'x']);
    expect(result.rows).toEqual([{ sum: 5, label: 'x' }]);
  });

  it('commits and returns the value of the callback', async () => {
    const value = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_items VALUES (1, $1)', ['one']);
      await tx.query('INSERT INTO tx_items VALUES (2, $1)', ['two']);
      return 'done';
    });
    expect(value).toBe('done');
    const { rows } = await store.query('SELECT id FROM tx_items WHERE id IN (1, 2) ORDER BY id');
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls everything back when the callback throws, and rethrows its error', async () => {
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_items VALUES (10, $1)', ['ten']);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const { rows } = await store.query('SELECT count(*)::int AS n FROM tx_items WHERE id = 10');
    expect(rows[0].n).toBe(0);
  });

  it('rolls back on an SQL error and the connection stays usable', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_items VALUES (20, $1)', ['twenty']);
        await tx.query('INSERT INTO tx_items VALUES (20, $1)', ['duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await store.query('SELECT count(*)::int AS n FROM tx_items WHERE id = 20');
    expect(rows[0].n).toBe(0);
    expect((await store.transaction((tx) => tx.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
  });

  it('refuses store.query and nested transactions inside a transaction callback', async () => {
    await expect(store.transaction(() => store.query('SELECT 1'))).rejects.toThrow(/tx\.query/);
    await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toThrow(/tx\.query/);
  });

  it('refuses tx.query after its transaction ended', async () => {
    const leaked = await store.transaction(async (tx) => tx);
    await expect(leaked.query('SELECT 1')).rejects.toThrow(/ended/);
  });

  it('a query issued while a transaction is open never sees its uncommitted rows', async () => {
    let inserted!: () => void;
    const insertedPromise = new Promise<void>((resolve) => (inserted = resolve));
    const outcome = store
      .transaction(async (t) => {
        await t.query('INSERT INTO tx_items VALUES (30, $1)', ['thirty']);
        inserted();
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('abandon');
      })
      .catch((e: unknown) => (e as Error).message);
    await insertedPromise;
    // embedded: waits for the connection the transaction holds; postgres: runs beside it
    const seen = await store.query('SELECT count(*)::int AS n FROM tx_items WHERE id = 30');
    expect(await outcome).toBe('abandon');
    expect(seen.rows[0].n).toBe(0);
  });

  it('concurrent read-modify-write transactions with row locks lose no update', async () => {
    await store.query('INSERT INTO tx_counter VALUES (2, 0)');
    const worker = async (): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        await store.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM tx_counter WHERE id = 2 FOR UPDATE');
          await tx.query('UPDATE tx_counter SET n = $1 WHERE id = 2', [rows[0]!.n + 1]);
        });
      }
    };
    await Promise.all([worker(), worker()]);
    expect((await store.query('SELECT n FROM tx_counter WHERE id = 2')).rows[0].n).toBe(100);
  });

  // Without FOR UPDATE this only holds if transactions never interleave: the
  // embedded backend's guarantee (one connection, one shared PGlite session).
  it.skipIf(onPostgres)('embedded: concurrent transactions never interleave', async () => {
    await store.query('INSERT INTO tx_counter VALUES (1, 0)');
    const worker = async (): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        await store.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM tx_counter WHERE id = 1');
          await new Promise((resolve) => setImmediate(resolve)); // give the other worker every chance
          await tx.query('UPDATE tx_counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
        });
      }
    };
    const reader = async (): Promise<void> => {
      for (let i = 0; i < 50; i++) await store.query('SELECT n FROM tx_counter WHERE id = 1');
    };
    await Promise.all([worker(), worker(), reader()]);
    expect((await store.query('SELECT n FROM tx_counter WHERE id = 1')).rows[0].n).toBe(100);
  });
});
