import { describe, expect, it } from 'vitest';
import { validateIdentifier } from '../../../src/core/ids/scheme.ts';
import {
  openNumber,
  protectPersons,
  pseudonymise,
  pseudonymsOf,
  sealKeyFrom,
  sealNumber,
  validatePseudonym,
  type PseudonymKey,
} from '../../../src/core/persons/index.ts';
import { coreScheme } from '../../../src/core/records/identifier-scheme.ts';
import type { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';

const RIC = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID;
const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;
const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
// Key bytes 0x00..0x1f; the expected digest was computed independently:
// python3 -c "import hmac,hashlib,base64; print(base64.urlsafe_b64encode(hmac.new(bytes(range(32)),
//   b'credfed-ric-v1:11010519491231002X', hashlib.sha256).digest()).rstrip(b'=').decode())"
const K1: PseudonymKey = { id: 'k1', secret: Uint8Array.from({ length: 32 }, (_, i) => i) };
const K2: PseudonymKey = { id: 'k2', secret: new Uint8Array(32).fill(7) };
const VECTOR = 'k1:WxAHwe7hmD10M6xQ6ZvmuNkjeFnrThHVcdr1wGNN2Lc';

const person = (...ids: [IdentifierScheme, string, string?][]): CreditRecord =>
  ({
    originId: 'county-a',
    recordId: 'r1',
    subject: {
      kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON,
      name: '张三',
      identifiers: ids.map(([scheme, value, masked]) => ({ scheme, value, masked: masked ?? '' })),
      legalRepresentative: '',
    },
  }) as CreditRecord;

describe('pseudonyms', () => {
  it('is HMAC-SHA256 over the context and the normalized number, base64url, prefixed by the key id', () => {
    expect(pseudonymise('11010519491231002X', K1)).toBe(VECTOR);
  });

  it('pseudonymsOf normalizes the number first and lists one pseudonym per key, the current key first', () => {
    const out = pseudonymsOf(' 110105-19491231-002x ', [K1, K2]);
    expect(out.value).toEqual([VECTOR, pseudonymise('11010519491231002X', K2)]);
    expect(pseudonymsOf('11010519491231002X', []).value).toEqual([]);
    expect(pseudonymsOf('110105194912310021', [K1]).error?.rule).toBe('check');
  });

  it('validates the shape of a received pseudonym as scheme ric_pseudonym (case kept)', () => {
    expect(coreScheme(PSEUDONYM)).toBe('ric_pseudonym');
    expect(validateIdentifier('ric_pseudonym', ` ${VECTOR} `).value?.normalized).toBe(VECTOR);
    for (const bad of ['', 'k1', 'k1:short', `${VECTOR}x`, VECTOR.replace('k1:', ':'), VECTOR.replace('k1:', 'k 1:'), VECTOR.replace('W', '+'), 'x'.repeat(10_000)]) {
      expect(validatePseudonym(bad).error, bad.slice(0, 40)).toBeDefined();
    }
  });
});

describe('protectPersons', () => {
  it('replaces a clear number by one pseudonym per key with the masked form, and hands the number back', () => {
    const out = protectPersons(person([USCC, '91110000600037341L'], [RIC, '11010519491231002x']), { keys: [K1, K2] });
    expect(out.value!.record.subject!.identifiers).toEqual([
      { scheme: USCC, value: '91110000600037341L', masked: '' },
      { scheme: PSEUDONYM, value: VECTOR, masked: '110105********002X' },
      { scheme: PSEUDONYM, value: pseudonymise('11010519491231002X', K2), masked: '110105********002X' },
    ]);
    expect(out.value!.identities).toEqual([{ clear: '11010519491231002X', pseudonyms: [VECTOR, pseudonymise('11010519491231002X', K2)] }]);
    expect(JSON.stringify(out.value!.record)).not.toContain('19491231');
  });

  it('masks as configured', () => {
    const out = protectPersons(person([RIC, '360426199101010071']), { keys: [K1], mask: { keepFirst: 3, keepLast: 2 } });
    expect(out.value!.record.subject!.identifiers[0]!.masked).toBe('360*************71');
  });

  it('leaves a record without clear numbers untouched (same object), pseudonyms included', () => {
    const record = person([PSEUDONYM, VECTOR, '110105********002X'], [USCC, '91110000600037341L']);
    const out = protectPersons(record, { keys: [] });
    expect(out.value!.record).toBe(record);
    expect(out.value!.identities).toEqual([]);
  });

  it('clears a masked value that hides nothing or sits on another scheme', () => {
    const out = protectPersons(person([PSEUDONYM, VECTOR, '11010519491231002X'], [USCC, '91110000600037341L', '11010519491231002X']), { keys: [] });
    expect(out.value!.record.subject!.identifiers.map((i) => i.masked)).toEqual(['', '']);
  });

  it('clears an oversized masked value', () => {
    const out = protectPersons(person([PSEUDONYM, VECTOR, `${'*'.repeat(65)}`]), { keys: [] });
    expect(out.value!.record.subject!.identifiers[0]!.masked).toBe('');
  });

  it('drops a pseudonym that is already present and counts one identity per number', () => {
    const out = protectPersons(person([PSEUDONYM, VECTOR, '110105********002X'], [RIC, '11010519491231002X'], [RIC, '11010519491231002X']), { keys: [K1] });
    expect(out.value!.record.subject!.identifiers).toHaveLength(1);
    expect(out.value!.identities).toHaveLength(1);
  });

  it('refuses a clear number when no key is configured, and an invalid number', () => {
    expect(protectPersons(person([USCC, '91110000600037341L'], [RIC, '11010519491231002X']), { keys: [] }).error).toMatchObject({
      reason: 'PSEUDONYM_KEY_MISSING',
      field: 'subject.identifiers[1]',
    });
    expect(protectPersons(person([RIC, '110105194912310021']), { keys: [K1] }).error?.reason).toBe('IDENTIFIER_INVALID');
  });
});

describe('sealing', () => {
  const key = sealKeyFrom(new Uint8Array(32).fill(9));

  it('opens what it sealed, with a fresh nonce each time', () => {
    const a = sealNumber('11010519491231002X', VECTOR, key);
    const b = sealNumber('11010519491231002X', VECTOR, key);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    expect(Buffer.from(a.ciphertext).toString('latin1')).not.toContain('19491231');
    expect(openNumber(a, VECTOR, key).value).toBe('11010519491231002X');
  });

  it('refuses a tampered ciphertext, another AAD (row) or another key', () => {
    const sealed = sealNumber('11010519491231002X', VECTOR, key);
    const flipped = Uint8Array.from(sealed.ciphertext);
    flipped[0]! ^= 1;
    expect(openNumber({ ...sealed, ciphertext: flipped }, VECTOR, key).error).toBe('unauthentic');
    expect(openNumber(sealed, 'k1:other', key).error).toBe('unauthentic');
    expect(openNumber(sealed, VECTOR, sealKeyFrom(new Uint8Array(32).fill(8))).error).toBe('unauthentic');
    expect(openNumber({ ...sealed, ciphertext: sealed.ciphertext.slice(0, 5) }, VECTOR, key).error).toBe('unauthentic');
  });
});
