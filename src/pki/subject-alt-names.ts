/**
 * Parser for the subject alternative names as Node prints them
 * (`tls.PeerCertificate.subjectaltname`, `X509Certificate.subjectAltName`):
 * `URI:spiffe://demo/partner/city, DNS:localhost, IP Address:127.0.0.1`.
 *
 * Since the fix for CVE-2021-44532 Node writes a value that contains a comma,
 * a quote or a non-ASCII character as a JSON string literal
 * (`URI:"spiffe://a\u002c URI:spiffe://b"`). Splitting the text on ", " would
 * let such a value smuggle in a second name; this parser honours the quoting.
 */
import { err, ok, type Result } from '../core/result.js';

/** One general name: `type` as Node prints it (`URI`, `DNS`, `IP Address`, `email`, …). */
export interface SubjectAltName {
  readonly type: string;
  readonly value: string;
}

const SEPARATOR = ', ';
/** Characters Node never leaves unquoted in a value. */
const UNQUOTED_FORBIDDEN = /[,"'\\]/;

/**
 * Splits Node's subject-alt-name text into its entries.
 * An absent or empty text has no entries; text that does not follow Node's
 * format is an error (never a best guess).
 */
export function parseSubjectAltNames(text: string | undefined): Result<SubjectAltName[], string> {
  const names: SubjectAltName[] = [];
  if (text === undefined || text === '') return ok(names);
  let pos = 0;
  while (pos < text.length) {
    const colon = text.indexOf(':', pos);
    if (colon <= pos) return err(`no name type at offset ${pos}`);
    const type = text.slice(pos, colon);
    if (type.includes(',') || type.includes('"')) return err(`malformed name type at offset ${pos}`);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      const close = closingQuote(text, colon + 1);
      if (close < 0) return err(`unterminated quoted value at offset ${colon + 1}`);
      try {
        value = JSON.parse(text.slice(colon + 1, close + 1)) as string;
      } catch {
        return err(`malformed quoted value at offset ${colon + 1}`);
      }
      end = close + 1;
    } else {
      const next = text.indexOf(SEPARATOR, colon + 1);
      end = next < 0 ? text.length : next;
      value = text.slice(colon + 1, end);
      if (UNQUOTED_FORBIDDEN.test(value)) return err(`unquoted value with a character Node would have quoted at offset ${colon + 1}`);
    }
    names.push({ type, value });
    if (end === text.length) break;
    if (!text.startsWith(SEPARATOR, end)) return err(`expected ", " at offset ${end}`);
    pos = end + SEPARATOR.length;
    if (pos === text.length) return err('trailing separator');
  }
  return ok(names);
}

/** Index of the quote closing the JSON string that opens at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return -1;
}
