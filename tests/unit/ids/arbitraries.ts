/** fast-check generators of valid identifiers: a random body and the check character computed over it. */
import fc from 'fast-check';
import {
  ORG_BODY_ALPHABET,
  orgCheckChar,
  regnoCheckDigit,
  ricCheckChar,
  USCC_ALPHABET,
  usccCheckChar,
} from '../../../src/core/ids/index.ts';

const DIGITS = '0123456789';

/** `length` characters drawn from `alphabet`. */
export function charsOf(alphabet: string, length: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...alphabet), { minLength: length, maxLength: length }).map((cs) => cs.join(''));
}

/** A valid unified social credit code: 17 alphabet characters and their check character. */
export const validUscc = charsOf(USCC_ALPHABET, 17).map((body) => body + usccCheckChar(body));

/** A valid organization code (canonical, no hyphen): 8 body characters and their check character. */
export const validOrgCode = charsOf(ORG_BODY_ALPHABET, 8).map((body) => body + orgCheckChar(body));

/** A valid 15-digit business registration number. */
export const validRegNo = charsOf(DIGITS, 14).map((body) => body + regnoCheckDigit(body));

/** A birth date YYYYMMDD from 1850 to 2099 (every one a real calendar date). */
const birthDate = fc
  .date({ min: new Date('1850-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

/** A valid resident identity number: area, a real birth date, sequence and the check character. */
export const validRic = fc
  .tuple(charsOf(DIGITS, 6), birthDate, charsOf(DIGITS, 3))
  .map(([area, date, sequence]) => {
    const body = area + date + sequence;
    return body + ricCheckChar(body);
  });
