import fs from 'node:fs';
import path from 'node:path';
import { CredfedError } from '../core/errors.js';

/** What `credfed up` records about its local federation, for other commands to find it. */
export interface FederationManifest {
  readonly federation: string;
  readonly caFile: string;
  readonly admin: { readonly certFile: string; readonly keyFile: string };
  readonly nodes: readonly { readonly id: string; readonly endpoint: string; readonly config: string }[];
}

export const MANIFEST_FILE = 'federation.json';

export function writeManifest(dataDir: string, manifest: FederationManifest): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(dataDir: string): FederationManifest {
  const file = path.join(path.resolve(dataDir), MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CredfedError('NOT_FOUND', `no local federation at ${file}; start one with \`npm start\` (credfed up) or pass --config`);
  }
  try {
    return JSON.parse(text) as FederationManifest;
  } catch {
    throw new CredfedError('CONFIG_INVALID', `${file} is not valid JSON`);
  }
}
