// The `persons` section (src/config/persons-config.ts): key files read and checked at load, every problem listed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { writeNewKeyFile } from '../../../src/persons/key-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-persons-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const key = (name: string) => {
  const file = path.join(dir, name);
  writeNewKeyFile(file);
  return file;
};
const fed1 = key('fed-1.key');
const fed2 = key('fed-2.key');
const node = key('node.key');
const short = path.join(dir, 'short.key');
fs.writeFileSync(short, Buffer.alloc(16, 1).toString('base64'));
const notBase64 = path.join(dir, 'text.key');
fs.writeFileSync(notBase64, 'this is not a key!');

const doc = (persons: unknown) => ({
  node: { id: 'county-a' },
  store: { dataDir: 'data' },
  tls: { ca: 'ca.crt', cert: 'a.crt', key: 'a.key' },
  persons,
});
const parse = (persons: unknown, env: Record<string, string> = {}) => parseConfig(doc(persons), env, dir, path.join(dir, 'county-a.yaml'));

describe('persons configuration', () => {
  it('reads keys (current first), storage, the encryption key and the mask; relative files against the config directory', () => {
    const config = parse({
      pseudonymKeys: [{ id: 'k2', file: 'fed-2.key' }, { id: 'k1', file: fed1 }],
      encryptionKeyFile: 'node.key',
      mask: { keepFirst: 3, keepLast: 2 },
    }).value!;
    expect(config.persons).toEqual({
      pseudonymKeys: [{ id: 'k2', file: fed2 }, { id: 'k1', file: fed1 }],
      residentIdStorage: 'encrypted',
      encryptionKeyFile: node,
      mask: { keepFirst: 3, keepLast: 2 },
    });
  });

  it('needs no encryption key when nothing is stored, and takes overrides from the environment', () => {
    expect(parse({ pseudonymKeys: [{ id: 'k1', file: fed1 }], residentIdStorage: 'none' }).value!.persons.residentIdStorage).toBe('none');
    const fromEnv = parse(undefined, { CREDFED_PERSONS_PSEUDONYM_KEYS: `k1=${fed1},k2=${fed2}`, CREDFED_PERSONS_ENCRYPTION_KEY_FILE: node });
    expect(fromEnv.value!.persons.pseudonymKeys).toEqual([{ id: 'k1', file: fed1 }, { id: 'k2', file: fed2 }]);
    expect(parse({ pseudonymKeys: [{ id: 'k1', file: fed1 }] }, { CREDFED_PERSONS_STORAGE: 'none' }).value!.persons.residentIdStorage).toBe('none');
  });

  it('lists every problem at once, naming the key file', () => {
    const problems = parse({
      pseudonymKeys: [
        { id: 'k1', file: path.join(dir, 'missing.key') },
        { id: 'k:2', file: fed2 },
        { id: 'k3', file: short },
        { id: 'k4', file: notBase64 },
        { id: 'k5', file: fed1 },
        { id: 'k5', file: fed2 },
      ],
      residentIdStorage: 'plain',
      encryptionKeyFile: short,
      mask: { keepFirst: 10, keepLast: -1 },
    }).error!;
    const text = problems.join('\n');
    expect(text).toContain('persons.pseudonymKeys[0].file');
    expect(text).toContain(path.join(dir, 'missing.key'));
    expect(text).toContain('persons.pseudonymKeys[1].id');
    expect(text).toContain(`persons.pseudonymKeys[2].file: ${short}`);
    expect(text).toContain(`persons.pseudonymKeys[3].file: ${notBase64}`);
    expect(text).toContain('persons.pseudonymKeys[5].id');
    expect(text).toContain('persons.residentIdStorage');
    expect(text).toContain(`persons.encryptionKeyFile: ${short}`);
    expect(text).toContain('persons.mask.keepLast');
    expect(problems).toHaveLength(8);
  });

  it('requires the encryption key when numbers are stored encrypted and keys are configured', () => {
    expect(parse({ pseudonymKeys: [{ id: 'k1', file: fed1 }] }).error).toEqual([expect.stringContaining('persons.encryptionKeyFile: required')]);
    expect(parse({ encryptionKeyFile: undefined }).error).toBeUndefined();
  });

  it('generates 0600 key files and refuses to overwrite one', () => {
    expect(fs.statSync(fed1).mode & 0o777).toBe(0o600);
    expect(() => writeNewKeyFile(fed1)).toThrow(/EEXIST/);
  });
});
