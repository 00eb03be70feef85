// The compiled build: bin/credfed.js runs dist/ (written by `npm run build`,
// which the test run's global setup ran) as plain JavaScript, with no
// TypeScript loader, and says what to do when dist/ is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/grpc/admin-service.js';
import { BIN, childEnv, credfedProcess, ROOT } from '../helpers/cli-run.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('the compiled CLI', () => {
  it('--version prints the version and exits 0', async () => {
    const r = await credfedProcess(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('--help lists the commands; an unknown command exits 2; a missing configuration exits 1 naming it', async () => {
    const help = await credfedProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('partner list');
    const unknown = await credfedProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const missing = await credfedProcess(['partner', 'list', '--config', 'no-such-node.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('CONFIG_NOT_FOUND');
    expect(missing.stderr).toContain('no-such-node.yaml');
  });

  it('runs JavaScript only: the entry point imports dist/, and no TypeScript loader is a run-time dependency', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist/store/migrations/0001_init.sql'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist/store/embedded/pglite-worker.mjs'))).toBe(true);
    const entry = fs.readFileSync(BIN, 'utf8');
    expect(entry).toContain("'../dist/cli/main.js'");
    expect(entry).not.toMatch(/tsx|\.ts'/);
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(pkg.scripts.start).toMatch(/^node bin\/credfed\.js /);
  });

  it('without dist/, exits 1 and says to build', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-nobuild-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(BIN, path.join(dir, 'bin/credfed.js'));
      fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      const r = spawnSync(process.execPath, [path.join(dir, 'bin/credfed.js'), '--version'], { env: childEnv(), encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('npm run build');
      expect(r.stdout).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
