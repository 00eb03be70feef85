// CsvByteDecoder (src/core/records/csv/byte-decoder.ts): UTF-8 (BOM or not)
// and GB18030 detected or forced, strict decoding naming the bad line.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CsvByteDecoder, type CsvEncoding } from '../../../src/core/records/csv/byte-decoder.js';

const TEXT = '行政相对人名称,许可机关\r\n沈阳市和平区老张小吃店,沈阳市市场监督管理局\r\n€ 𠀀 ，（）\n';
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
/** GB18030 bytes, from iconv (Node has no GB18030 encoder). */
const gb18030 = (s: string): Buffer => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: s });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Decodes `bytes` fed in chunks of `size` bytes. */
function decode(bytes: Uint8Array, size: number, forced?: CsvEncoding) {
  const d = new CsvByteDecoder(forced);
  let text = '';
  for (let i = 0; i < bytes.length; i += size) {
    const r = d.push(bytes.subarray(i, i + size));
    if (r.error) return { error: r.error, encoding: d.encoding };
    text += r.value;
  }
  const r = d.end();
  if (r.error) return { error: r.error, encoding: d.encoding };
  return { text: text + r.value, encoding: d.encoding };
}

describe('CsvByteDecoder', () => {
  it('Node decodes GB18030 (the WHATWG decoder, strict)', () => {
    expect(new TextDecoder('gb18030', { fatal: true }).decode(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]))).toBe('中文');
    expect(() => new TextDecoder('gb18030', { fatal: true }).decode(Buffer.from([0xd6, 0x2c]))).toThrow();
  });

  it.each([
    ['UTF-8', utf8(TEXT), 'utf8'],
    ['UTF-8 with BOM', Buffer.concat([BOM, utf8(TEXT)]), 'utf8'],
    ['GB18030', gb18030(TEXT), 'gb18030'],
    ['GB18030 with its BOM', gb18030(`\uFEFF${TEXT}`), 'gb18030'],
  ])('%s: detected, same text (BOM dropped) in any chunking', (_name, bytes, encoding) => {
    for (const size of [1, 2, 3, 5, 64 * 1024]) expect(decode(bytes, size), `chunks of ${size}`).toEqual({ text: TEXT, encoding });
  });

  it('keeps a U+FEFF that is not at the start of the file', () => {
    expect(decode(utf8('a\n\uFEFFb\n'), 64).text).toBe('a\n\uFEFFb\n');
  });

  it('--encoding forces: GB18030 bytes forced as UTF-8 are refused, naming the line', () => {
    expect(decode(gb18030(TEXT), 64, 'utf8').error).toMatchObject({ code: 'ENCODING_INVALID', line: 1 });
    expect(decode(gb18030(TEXT), 64, 'gb18030')).toEqual({ text: TEXT, encoding: 'gb18030' });
  });

  it('refuses a bad byte after the first lines, naming its physical line', () => {
    const bytes = Buffer.concat([utf8('名称\n甲\n乙\n'), Buffer.from([0xff]), utf8('丙\n丁\n')]);
    for (const size of [1, 4, 64 * 1024]) {
      const r = decode(bytes, size);
      expect(r.error, `chunks of ${size}`).toMatchObject({ code: 'ENCODING_INVALID', line: 4 });
    }
  });

  it('refuses a GB18030 file with an invalid sequence, naming its line', () => {
    const bytes = Buffer.concat([gb18030('名称\n甲\n'), Buffer.from([0xd6, 0x2c, 0x0a]), gb18030('丙\n')]);
    expect(decode(bytes, 4).error).toMatchObject({ code: 'ENCODING_INVALID', line: 3 });
    expect(decode(bytes, 4).encoding).toBe('gb18030');
  });

  it('refuses Latin-1 (neither UTF-8 nor GB18030), naming the first bad line', () => {
    const bytes = Buffer.concat([utf8('名称,备注\n甲,乙\n'), Buffer.from('Café, Société\n', 'latin1')]);
    expect(decode(bytes, 64 * 1024).error).toMatchObject({ code: 'ENCODING_INVALID', line: 3 });
  });

  it('refuses UTF-16 by its byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('名称\n', 'utf16le')]);
    expect(decode(bytes, 64).error).toMatchObject({ code: 'ENCODING_UNSUPPORTED', line: 1 });
  });

  it('refuses a line longer than the limit without holding more of it', () => {
    const d = new CsvByteDecoder();
    let result = d.push(new Uint8Array(1024 * 1024).fill(0x61));
    for (let i = 0; i < 4 && !result.error; i++) result = d.push(new Uint8Array(1024 * 1024).fill(0x61));
    expect(result.error).toMatchObject({ code: 'ROW_TOO_LONG', line: 1 });
  });

  it('an empty input decodes to nothing, with no encoding decided', () => {
    expect(decode(new Uint8Array(0), 64)).toEqual({ text: '', encoding: undefined });
    expect(decode(BOM, 64)).toEqual({ text: '', encoding: 'utf8' });
  });
});
