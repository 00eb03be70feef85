// A new embedded store's cluster is copied from a template that a child process
// made (once per process), into a scratch folder moved in with PG_VERSION last:
// a creation cut short is started over, a dead process's template removed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/store.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(Boolean(process.env.DATABASE_URL))('embedded store creation', () => {
  it('creates the cluster over what a creation cut short left (a scratch folder, part of a move, no PG_VERSION) and removes a dead process\'s template', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-create-'));
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(path.join(dataDir, '.credfed-initdb', 'base'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, '.credfed-initdb', 'base', 'half-written'), 'x');
    fs.mkdirSync(path.join(dataDir, 'global'));
    fs.writeFileSync(path.join(dataDir, 'global', 'half-moved'), 'x');
    // the template of a process killed by a signal (its exit hook never ran)
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const staleTemplate = path.join(os.tmpdir(), `credfed-cluster-${dead}-test`);
    fs.mkdirSync(staleTemplate);
    cleanups.push(() => fs.rmSync(staleTemplate, { recursive: true, force: true }));
    const logged: string[] = [];
    const store = await openStore({ dataDir, log: (msg) => logged.push(msg) });
    cleanups.push(() => store.close());
    expect((await store.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBeGreaterThan(0);
    expect(logged.some((msg) => msg.startsWith('created the embedded database cluster in'))).toBe(true);
    const entries = fs.readdirSync(dataDir);
    expect(entries).toContain('PG_VERSION');
    expect(entries).not.toContain('.credfed-initdb');
    expect(fs.existsSync(path.join(dataDir, 'global', 'half-moved'))).toBe(false);
    expect(fs.existsSync(staleTemplate)).toBe(false);
  });
});
