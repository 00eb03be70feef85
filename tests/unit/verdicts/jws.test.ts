// The verdict JWS envelope, table-driven and pure: base64url strictness,
// splitting and composing, and every header rule with its machine reason.
import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  composeJws,
  parseVerdictHeader,
  readVerdictJws,
  signingInput,
  splitJws,
  verdictHeader,
  VERDICT_JWS_ALG,
  VERDICT_JWS_TYP,
} from '../../../src/core/verdicts/jws.js';

const b64u = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const header = (doc: unknown) => new Uint8Array(Buffer.from(JSON.stringify(doc), 'utf8'));
const CERT = Buffer.from('not really DER, but base64').toString('base64');

describe('base64url', () => {
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['\u00ff\u00fe?>', 'w7_Dvj8-'],
  ])('%j encodes as %s and decodes back', (text, encoded) => {
    expect(base64urlEncode(text)).toBe(encoded);
    expect(Buffer.from(base64urlDecode(encoded).value!).toString('utf8')).toBe(text);
  });

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet +', 'w7+Dvj8-'],
    ['standard alphabet /', 'w7_Dvj8/'],
    ['whitespace', 'Zm 9v'],
    ['impossible length', 'Zm9vY'],
    ['non-zero trailing bits', 'Zh'],
  ])('refuses %s as JWS_MALFORMED', (_, text) => {
    expect(base64urlDecode(text).error?.reason).toBe('JWS_MALFORMED');
  });
});

describe('splitJws / composeJws', () => {
  const h = verdictHeader([CERT]);
  const payload = new Uint8Array(Buffer.from('{"format":1}'));
  const input = signingInput(h, payload);
  const jws = composeJws(input, new Uint8Array([1, 2, 3]));

  it('round-trips: the signing input is the first two parts as received', () => {
    const parts = splitJws(jws);
    expect(parts.value?.signingInput).toBe(input);
    expect(Buffer.from(parts.value!.payload).toString()).toBe('{"format":1}');
    expect([...parts.value!.signature]).toEqual([1, 2, 3]);
    expect(JSON.parse(Buffer.from(parts.value!.header).toString())).toEqual({ alg: 'PS256', typ: 'credfed-verdict+json', x5c: [CERT] });
  });

  it('writes the header members in the order alg, typ, x5c', () => {
    expect(Buffer.from(input.split('.')[0]!, 'base64url').toString()).toBe(`{"alg":"PS256","typ":"credfed-verdict+json","x5c":["${CERT}"]}`);
  });

  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['empty header', '.Zg.Zg'],
    ['empty signature', 'Zg.Zg.'],
    ['JSON serialization', '{"payload":"x"}'],
    ['a padded part', 'Zg==.Zg.Zg'],
    ['a bad character', 'Zg.Z*.Zg'],
  ])('refuses %s as JWS_MALFORMED', (_, text) => {
    expect(splitJws(text).error?.reason).toBe('JWS_MALFORMED');
  });
});

describe('parseVerdictHeader', () => {
  const good = { alg: VERDICT_JWS_ALG, typ: VERDICT_JWS_TYP, x5c: [CERT, CERT] };

  it('accepts a verdict header and decodes x5c to DER', () => {
    const r = parseVerdictHeader(header(good));
    expect(r.value?.header.x5c).toEqual([CERT, CERT]);
    expect(Buffer.from(r.value!.certificates[0]!).toString()).toBe('not really DER, but base64');
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{', 'JWS_MALFORMED'],
    ['an array', [good], 'JWS_MALFORMED'],
    ['null', null, 'JWS_MALFORMED'],
    ['alg none', { ...good, alg: 'none' }, 'ALG_NOT_ALLOWED'],
    ['alg RS256', { ...good, alg: 'RS256' }, 'ALG_NOT_ALLOWED'],
    ['alg HS256', { ...good, alg: 'HS256' }, 'ALG_NOT_ALLOWED'],
    ['alg ps256 (case)', { ...good, alg: 'ps256' }, 'ALG_NOT_ALLOWED'],
    ['alg missing', { typ: good.typ, x5c: good.x5c }, 'ALG_NOT_ALLOWED'],
    ['typ JWT', { ...good, typ: 'JWT' }, 'HEADER_INVALID'],
    ['typ missing', { alg: good.alg, x5c: good.x5c }, 'HEADER_INVALID'],
    ['crit', { ...good, crit: ['b64'], b64: false }, 'HEADER_INVALID'],
    ['x5c missing', { alg: good.alg, typ: good.typ }, 'HEADER_INVALID'],
    ['x5c empty', { ...good, x5c: [] }, 'HEADER_INVALID'],
    ['x5c a string', { ...good, x5c: CERT }, 'HEADER_INVALID'],
    ['x5c of numbers', { ...good, x5c: [1] }, 'HEADER_INVALID'],
    ['x5c base64url', { ...good, x5c: ['w7_Dvj8-'] }, 'HEADER_INVALID'],
    ['x5c empty string', { ...good, x5c: [''] }, 'HEADER_INVALID'],
    ['x5c too long', { ...good, x5c: Array(9).fill(CERT) }, 'HEADER_INVALID'],
  ])('refuses %s as %s', (_, doc, reason) => {
    const bytes = typeof doc === 'string' ? new Uint8Array(Buffer.from(doc)) : header(doc);
    expect(parseVerdictHeader(bytes).error?.reason).toBe(reason);
  });

  it('refuses a header that is not UTF-8', () => {
    expect(parseVerdictHeader(new Uint8Array([0x7b, 0xff, 0x7d])).error?.reason).toBe('JWS_MALFORMED');
  });
});

describe('readVerdictJws', () => {
  it('splits and checks in one step', () => {
    const jws = `${b64u(JSON.stringify({ alg: 'PS256', typ: 'credfed-verdict+json', x5c: [CERT] }))}.${b64u('{}')}.AQID`;
    const r = readVerdictJws(jws);
    expect(r.value?.certificates).toHaveLength(1);
    expect(r.value?.parsedHeader.alg).toBe('PS256');
  });

  it('reports the header problem of a well-formed JWS', () => {
    expect(readVerdictJws(`${b64u('{"alg":"none"}')}.${b64u('{}')}.AQID`).error?.reason).toBe('ALG_NOT_ALLOWED');
  });
});
