#!/usr/bin/env node
// Entry point of the credfed CLI: runs the compiled JavaScript in dist/
// (`npm run build` writes it; `npm install`, `npm start` and `npm test` run
// the build first). No TypeScript loader at run time.
import fs from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('credfed: dist/ is missing: run `npm run build` (or `npm install`) in the credfed folder first\n');
  process.exit(1);
}
const cli = await import(entry.href);
process.exitCode = await cli.main(process.argv.slice(2));
