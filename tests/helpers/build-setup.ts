/**
 * vitest globalSetup of the projects that run the built CLI (`node
 * bin/credfed.js`, i.e. dist/): compiles src/ to dist/ first, so no test ever
 * runs a stale build. Once per vitest run, however many projects list it
 * (global setups run in the one main process).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

const key = Symbol.for('credfed.test.build');
type WithBuild = typeof globalThis & { [key]?: Promise<void> };

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code}):\n${stderr}`))));
  });
}

export default async function setup(): Promise<void> {
  const g = globalThis as WithBuild;
  g[key] ??= build();
  await g[key];
}
