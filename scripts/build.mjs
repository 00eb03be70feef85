// `npm run build`: compiles src/ to dist/ with the TypeScript compiler and
// copies what the compiler does not emit (the store's SQL migrations). The
// build is written to a fresh folder beside dist/ and swapped in by renames,
// so a deleted source never lingers as stale output, and a process running
// from dist/ meanwhile (a `credfed up`, a bench, another test run) never finds
// it half-written. A failed build leaves dist/ as it was.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const next = path.join(root, `dist.next-${process.pid}`);
const old = path.join(root, `dist.old-${process.pid}`);
const started = Date.now();

const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) {
  fs.rmSync(next, { recursive: true, force: true });
  console.error('credfed build: the TypeScript compiler failed (above); dist/ was left as it was');
  process.exit(tsc.status ?? 1);
}
fs.cpSync(path.join(root, 'src/store/migrations'), path.join(next, 'store/migrations'), { recursive: true });
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(next, dist);
fs.rmSync(old, { recursive: true, force: true });
console.error(`credfed build: dist/ written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
