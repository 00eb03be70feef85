/**
 * A Store over a `pg.Pool`: the part both backends share. The embedded
 * backend's pool has a single connection, so a `store.query` or nested
 * `store.transaction` issued from inside a transaction callback would wait
 * forever for the connection the transaction holds. Both backends refuse that
 * mistake at once, so code that works on PostgreSQL also works embedded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { PoolUsage, Store, TxQuery } from './store.js';
import type { StoreLog } from './store-log.js';

interface TxScope {
  active: boolean;
}

/** Wraps `pool`; `onClose` runs after the pool has ended (backend teardown). */
export function poolStore(
  backend: Store['backend'],
  pool: pg.Pool,
  opts: { log: StoreLog; onClose?: () => Promise<void> },
): Store {
  const scope = new AsyncLocalStorage<TxScope>();
  let closing: Promise<void> | undefined;

  function refuseInsideTransaction(what: string): void {
    if (scope.getStore()?.active) {
      throw new Error(`${what} called inside a transaction callback: use tx.query (the transaction holds the connection)`);
    }
  }

  async function query<R extends pg.QueryResultRow>(sql: string, params?: unknown[], name?: string): Promise<pg.QueryResult<R>> {
    refuseInsideTransaction('store.query');
    return pool.query<R>(statement(sql, params, name));
  }

  async function transaction<T>(fn: (tx: { query: TxQuery }) => Promise<T>): Promise<T> {
    refuseInsideTransaction('store.transaction');
    const client = await pool.connect();
    const txScope: TxScope = { active: true };
    const txQuery = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[], name?: string): Promise<pg.QueryResult<R>> => {
      if (!txScope.active) throw new Error('tx.query called after its transaction ended');
      return client.query<R>(statement(sql, params, name));
    };
    let broken: Error | undefined; // set when the connection may be unusable: it is destroyed, not reused
    try {
      try {
        await client.query('BEGIN');
      } catch (err) {
        broken = err as Error;
        throw err;
      }
      let result: T;
      try {
        result = await scope.run(txScope, () => fn({ query: txQuery }));
      } catch (err) {
        txScope.active = false;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
          opts.log('rollback failed; discarding the connection', { err: rollbackError });
        }
        throw err;
      }
      txScope.active = false;
      try {
        await client.query('COMMIT');
      } catch (err) {
        // a refused COMMIT (serialization, deferred constraint) leaves a healthy connection
        if (!isDatabaseError(err)) broken = err as Error;
        throw err;
      }
      return result;
    } finally {
      txScope.active = false;
      client.release(broken);
    }
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      try {
        await pool.end();
      } finally {
        await opts.onClose?.();
      }
    })();
    return closing;
  }

  function poolUsage(): PoolUsage {
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
  }

  return { backend, query, transaction, poolUsage, close };
}

/** pg's query config: a `name` prepares the statement once per connection. */
function statement(text: string, values: unknown[] | undefined, name: string | undefined): pg.QueryConfig {
  return name === undefined ? { text, values } : { name, text, values };
}

/** A server-reported SQL error leaves the connection healthy; anything else may not. */
function isDatabaseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'severity' in err && typeof (err as { code?: unknown }).code === 'string';
}
