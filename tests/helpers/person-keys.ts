/**
 * Natural-person keys for test nodes: one federation pseudonym key shared by
 * every node of every test (as a real federation shares its key), and a
 * fresh encryption key per node. Files live in a temp dir of this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PseudonymKey } from '../../src/core/persons/pseudonym.js';
import { writeNewKeyFile } from '../../src/persons/key-file.js';

/** The test federation's key (fixed, so pseudonyms can be computed in tests). */
export const TEST_PSEUDONYM_KEY: PseudonymKey = { id: 'test-1', secret: Buffer.alloc(32, 0x5a) };

let dir: string | undefined;
const keysDir = (): string => {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-person-keys-'));
    process.once('exit', () => fs.rmSync(dir!, { recursive: true, force: true }));
  }
  return dir;
};

/** Writes a key file holding `secret` (0600). */
export function writeKey(file: string, secret: Uint8Array): string {
  fs.writeFileSync(file, `${Buffer.from(secret).toString('base64')}\n`, { mode: 0o600 });
  return file;
}

/** The test federation key's file. */
export function testPseudonymKeyFile(): string {
  const file = path.join(keysDir(), 'federation.key');
  if (!fs.existsSync(file)) writeKey(file, TEST_PSEUDONYM_KEY.secret);
  return file;
}

/** A fresh encryption key file. */
export function newEncryptionKeyFile(name = 'node'): string {
  const file = path.join(fs.mkdtempSync(path.join(keysDir(), `${name}-`)), 'encryption.key');
  writeNewKeyFile(file);
  return file;
}

/** A `persons` configuration section: the shared federation key and a fresh encryption key. */
export function testPersonsSection(name = 'node'): Record<string, unknown> {
  return { pseudonymKeys: [{ id: TEST_PSEUDONYM_KEY.id, file: testPseudonymKeyFile() }], encryptionKeyFile: newEncryptionKeyFile(name) };
}
