// openStore's failures: they carry catalogue codes and never leak the password.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCredfedError } from '../../../src/core/errors.js';
import { openStore } from '../../../src/store/store.js';

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  return { code: isCredfedError(error) ? error.code : undefined, message: (error as Error).message };
}

describe('openStore failures', () => {
  it('an unreachable PostgreSQL is STORE_UNAVAILABLE, named without its password', async () => {
    const { code, message } = await failure(openStore({ databaseUrl: 'postgres://credfed:Sup3r-s3cret@127.0.0.1:1/credfed' }));
    expect(code).toBe('STORE_UNAVAILABLE');
    expect(message).toContain('127.0.0.1:1/credfed');
    expect(message).not.toContain('Sup3r-s3cret');
  });

  it('a data directory that cannot be created is STORE_UNAVAILABLE, naming it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-notdir-')), 'a-file');
    fs.writeFileSync(file, '');
    const { code, message } = await failure(openStore({ dataDir: path.join(file, 'data') }));
    expect(code).toBe('STORE_UNAVAILABLE');
    expect(message).toContain(file);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('neither a database URL nor a data directory is CONFIG_INVALID', async () => {
    expect((await failure(openStore({}))).code).toBe('CONFIG_INVALID');
  });
});
