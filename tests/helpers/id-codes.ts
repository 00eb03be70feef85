/** Valid identifiers for tests, distinct per call (a counter, not randomness, so failures replay). */
import { orgCheckChar, regnoCheckDigit, usccCheckChar } from '../../src/core/ids/index.js';

const ORG_BODY = '0123456789ABCDEFGHJKLMNPQRTUWXY'; // characters valid in both alphabets
let counter = Math.floor(Math.random() * 1_000_000);

function nextBody(): string {
  let n = ++counter;
  let body = '';
  for (let i = 0; i < 8; i++) (body = ORG_BODY[n % ORG_BODY.length] + body), (n = Math.floor(n / ORG_BODY.length));
  return body;
}

/** A new organisation code, e.g. '0000Q1A2X' (no hyphen). */
export function newOrgCode(): string {
  const body = nextBody();
  return body + orgCheckChar(body);
}

/** A new USCC of an enterprise in 沈阳 (210100), containing `orgCode` (a new one by default). */
export function newUscc(orgCode: string = newOrgCode(), prefix = '91210100'): string {
  const body17 = prefix + orgCode;
  return body17 + usccCheckChar(body17);
}

/** A new 15-digit business registration number. */
export function newRegNo(): string {
  const body = `2101${String(++counter).padStart(10, '0').slice(-10)}`;
  return body + regnoCheckDigit(body);
}
