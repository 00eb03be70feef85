// Entry of the PGlite worker thread. A worker starts with a fresh module
// loader, so whether the main thread runs under tsx (bin/credfed.js), vitest
// or `node --import tsx`, the TypeScript loader is registered here first.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-worker.ts');
