import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePassphrase, readPassphraseFile } from '../../../src/ca/passphrase-file.js';
import { CredfedError } from '../../../src/core/errors.js';
import { tempDir } from './openssl-helpers.js';

describe('parsePassphrase', () => {
  it.each([
    ['correct horse battery\n', 'correct horse battery'],
    ['correct horse battery\r\n', 'correct horse battery'],
    ['correct horse battery\n\n', 'correct horse battery'],
    ['  spaces count  \n', '  spaces count  '],
    ['信用平台的口令一二三四', '信用平台的口令一二三四'],
  ])('reads %j', (text, expected) => {
    expect(parsePassphrase(text, 10)).toEqual({ value: expected });
  });

  it.each([
    ['', /empty/],
    ['\n', /empty/],
    ['short\n', /5 characters; a passphrase needs at least 12/],
    ['line one is long\nline two\n', /more than one line/],
  ])('refuses %j', (text, message) => {
    expect(parsePassphrase(text, 12).error).toMatch(message);
  });

  it('counts characters, not bytes', () => {
    expect(parsePassphrase('口令口令口令口令口令口', 12).error).toMatch(/11 characters/);
  });
});

describe('readPassphraseFile', () => {
  const dir = tempDir();
  const code = async (p: Promise<unknown>) => p.then(() => undefined, (e: CredfedError) => e.code);

  it('a missing file is CERT_FILE_MISSING naming it', async () => {
    const missing = path.join(dir, 'nope.pass');
    await expect(readPassphraseFile(missing, 'CA passphrase')).rejects.toThrow(missing);
    expect(await code(readPassphraseFile(missing, 'CA passphrase'))).toBe('CERT_FILE_MISSING');
  });

  it('an empty or short file is KEY_WEAK', async () => {
    fs.writeFileSync(path.join(dir, 'empty.pass'), '');
    fs.writeFileSync(path.join(dir, 'short.pass'), 'abc\n');
    expect(await code(readPassphraseFile(path.join(dir, 'empty.pass'), 'x'))).toBe('KEY_WEAK');
    expect(await code(readPassphraseFile(path.join(dir, 'short.pass'), 'x', 12))).toBe('KEY_WEAK');
  });

  it('returns the first line without its line break', async () => {
    fs.writeFileSync(path.join(dir, 'ok.pass'), 'a fine passphrase\n');
    await expect(readPassphraseFile(path.join(dir, 'ok.pass'), 'x', 12)).resolves.toBe('a fine passphrase');
  });
});
