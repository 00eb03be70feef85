import { describe, expect, it } from 'vitest';
import { openBackup, sealBackup } from '../../../src/ca/backup-file.js';
import { codeOf } from '../../helpers/error-code.js';

const PASS = 'a backup passphrase';
const content = Buffer.from(JSON.stringify({ hello: '信用', n: [1, 2, 3] }));

describe('backup file format', () => {
  it('round-trips, with a versioned header and no plaintext in the file', async () => {
    const text = await sealBackup(content, PASS);
    const [magic, header] = text.split('\n');
    expect(magic).toBe('credfed-ca-backup 1');
    expect(JSON.parse(header!)).toMatchObject({ kdf: 'scrypt', cipher: 'aes-256-gcm', n: 32768, r: 8, p: 1 });
    expect(text).not.toContain('hello');
    expect(await openBackup(text, PASS)).toEqual(content);
  });

  it('uses a fresh salt and IV every time', async () => {
    const [a, b] = [await sealBackup(content, PASS), await sealBackup(content, PASS)];
    expect(a.split('\n')[1]).not.toBe(b.split('\n')[1]);
    expect(a).not.toBe(b);
  });

  it('a wrong passphrase is CA_PASSPHRASE_WRONG', async () => {
    expect(await codeOf(openBackup(await sealBackup(content, PASS), `${PASS}!`))).toBe('CA_PASSPHRASE_WRONG');
  });

  it('an altered header or body fails like a wrong passphrase', async () => {
    const text = await sealBackup(content, PASS);
    const lines = text.split('\n');
    const header = JSON.parse(lines[1]!) as Record<string, unknown>;
    const alteredHeader = [lines[0], JSON.stringify({ ...header, iv: Buffer.alloc(12).toString('base64') }), ...lines.slice(2)].join('\n');
    expect(await codeOf(openBackup(alteredHeader, PASS))).toBe('CA_PASSPHRASE_WRONG');
    const body = lines[2]!;
    const flipped = body[10] === 'A' ? 'B' : 'A';
    const alteredBody = [lines[0], lines[1], body.slice(0, 10) + flipped + body.slice(11), ...lines.slice(3)].join('\n');
    expect(await codeOf(openBackup(alteredBody, PASS))).toBe('CA_PASSPHRASE_WRONG');
  });

  it.each([
    ['an empty file', ''],
    ['another file', '-----BEGIN CERTIFICATE-----\n'],
    ['an unknown version', 'credfed-ca-backup 2\n{}\nAAAA\n'],
    ['a header that is not JSON', 'credfed-ca-backup 1\nnot json\nAAAA\n'],
    ['another KDF', `credfed-ca-backup 1\n${JSON.stringify({ kdf: 'pbkdf2', n: 32768, r: 8, p: 1, salt: 'A'.repeat(24), cipher: 'aes-256-gcm', iv: 'A'.repeat(16) })}\nAAAA\n`],
    ['an absurd scrypt cost', `credfed-ca-backup 1\n${JSON.stringify({ kdf: 'scrypt', n: 2 ** 30, r: 8, p: 1, salt: 'A'.repeat(24), cipher: 'aes-256-gcm', iv: 'A'.repeat(16) })}\nAAAA\n`],
    ['N not a power of two', `credfed-ca-backup 1\n${JSON.stringify({ kdf: 'scrypt', n: 30000, r: 8, p: 1, salt: 'A'.repeat(24), cipher: 'aes-256-gcm', iv: 'A'.repeat(16) })}\nAAAA\n`],
    ['no content', `credfed-ca-backup 1\n${JSON.stringify({ kdf: 'scrypt', n: 32768, r: 8, p: 1, salt: 'A'.repeat(24), cipher: 'aes-256-gcm', iv: 'A'.repeat(16) })}\n`],
  ])('refuses %s as IMPORT_FILE_INVALID', async (_what, text) => {
    expect(await codeOf(openBackup(text, PASS))).toBe('IMPORT_FILE_INVALID');
  });
});
