#!/usr/bin/env node
// Entry point of the credfed CLI: runs the compiled JavaScript in dist/
// (`npm run build` writes it; `npm install`, `npm start` and `npm test` run
// the build first). No TypeScript loader at run time.
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/main.js')) throw e;
  process.stderr.write('credfed: dist/ is missing: run `npm run build` (or `npm install`) in the credfed folder first\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
