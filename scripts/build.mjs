// `npm run build`: compiles src/ to dist/ with the TypeScript compiler and
// copies what the compiler does not emit (the store's SQL migrations). dist/
// is made anew each time, so a deleted source never lingers as stale output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const started = Date.now();

fs.rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  fs.rmSync(dist, { recursive: true, force: true });
  console.error('credfed build: the TypeScript compiler failed (above); dist/ was not written');
  process.exit(tsc.status ?? 1);
}
fs.cpSync(path.join(root, 'src/store/migrations'), path.join(dist, 'store/migrations'), { recursive: true });
console.error(`credfed build: dist/ written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
