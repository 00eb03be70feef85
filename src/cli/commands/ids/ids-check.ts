import { StringDecoder } from 'node:string_decoder';
import {
  checkIdentifier,
  isCheckScheme,
  type CheckScheme,
  type IdentifierCheck,
  type UsccDerivation,
} from '../../../core/ids/index.js';
import { EXIT, UsageError, type Command, type Io } from '../../command.js';

export const idsCheckCommand: Command = {
  name: 'ids check',
  summary: 'validate and normalise identifiers (USCC, organisation code, registration number, resident ID)',
  allowPositionals: true,
  options: {
    scheme: { type: 'string' },
    json: { type: 'boolean' },
    unmasked: { type: 'boolean' },
  },
  help: `Usage: credfed ids check [ID...] [--scheme uscc|org|regno|ric] [--json] [--unmasked]

Checks identifiers given as arguments or, when there are none, one per line on
stdin (read as it streams: a file of millions of lines is fine). Needs no
configuration and no store. Each identifier is normalised first (trimmed,
full-width to half-width, spaces and hyphens dropped, upper case) and checked
under the scheme it fits: uscc (统一社会信用代码, 18), org (组织机构代码, 9),
regno (工商注册号, 15) or ric (居民身份证号, 18).

Per identifier it prints the scheme, the normalised form, valid or not and the
rule that failed: empty, length, charset, check (expected and found), date, or
ambiguous (valid under two schemes: an 18-digit number can pass both the USCC
and the resident-ID check; --scheme decides). An invalid identifier is reported
under the scheme it most likely was meant as (shown as "uscc?"). A registration
number with letters is valid but unverifiable. For a valid USCC it also prints
what the code says: its organisation code, registration authority and entity
type (with names when known) and the division code with its province as a
routing hint (an unknown or retired division is never an error).

Blank lines on stdin are reported (rule "empty"), not skipped, so that output
line N always answers input line N.

Resident identity numbers are personal data: they are printed masked (first 6
and last 4 characters; in input, normalized and messages) unless --unmasked
is given. A value that might be one (valid under both, or an 18-digit number
that fails) is masked too.

Options:
      --scheme S    check under S only (uscc, org, regno or ric) instead of detecting
      --json        one JSON object per identifier, in input order, with the fields
                    input, scheme (null when no scheme fits), normalized, valid, rule
                    (null when valid), then message and, where they apply, schemeBy
                    (forced, detected or guessed), candidates, unverifiable,
                    expected, found, position, derived, masked, inputLength
      --unmasked    print resident identity numbers in clear

A summary goes to stderr. Exit code: 0 all valid, 3 some invalid or ambiguous,
2 wrong usage (e.g. an unknown --scheme).

EXAMPLES
  credfed ids check 91110000600037341L 'D2143569-X' 110108000000016
  credfed ids check --scheme uscc 110105194912310409
  cut -d, -f3 export.csv | credfed ids check --json
  cut -d, -f3 export.csv | credfed ids check --json | jq -c 'select(.valid | not)'
  credfed ids check < identifiers.txt > report.txt || echo "some identifiers need fixing"
`,
  async run({ values, positionals }, io) {
    const scheme = parseScheme(values.scheme);
    const options = { scheme, reveal: values.unmasked === true };
    const print = values.json ? printJson : printLine;
    const tally = { total: 0, valid: 0, ambiguous: 0 };
    const report = (input: string, length = input.length): string => {
      const check = checkIdentifier(input, options);
      tally.total++;
      if (check.valid) tally.valid++;
      else if (check.rule === 'ambiguous') tally.ambiguous++;
      return print(length > input.length ? { ...check, inputLength: length } : check);
    };
    if (!values.json && (positionals.length > 0 || io.stdin)) io.out(`${HEADER}\n`);
    if (positionals.length > 0) for (const id of positionals) io.out(report(id));
    else await eachLine(io, report);
    const invalid = tally.total - tally.valid - tally.ambiguous;
    io.err(`${tally.total} checked: ${tally.valid} valid, ${invalid} invalid, ${tally.ambiguous} ambiguous\n`);
    return tally.valid === tally.total ? EXIT.OK : EXIT.PARTIAL;
  },
};

function parseScheme(value: string | boolean | undefined): CheckScheme | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && isCheckScheme(value)) return value;
  throw new UsageError(`--scheme must be uscc, org, regno or ric, not "${String(value)}"`);
}

/** Lines longer than this are checked on their first MAX_LINE characters (their real length is reported). */
const MAX_LINE = 1 << 20;

/**
 * Calls `each` for every line of stdin as it arrives, never holding more than
 * a chunk and one line: the output of a chunk is written at once and the next
 * chunk read only when stdout has room. A typed line is answered at once.
 */
async function eachLine(io: Io, each: (line: string, length: number) => string): Promise<void> {
  const stdin = io.stdin;
  if (!stdin) throw new UsageError('give identifiers as arguments or one per line on stdin');
  if ((stdin as { isTTY?: boolean }).isTTY) io.err('reading identifiers from the terminal, one per line; end with Ctrl-D\n');
  const decoder = new StringDecoder('utf8');
  let partial = ''; // the line begun in an earlier chunk
  let partialLength = 0; // its real length (partial stops growing at MAX_LINE)
  let first = true;
  const line = (text: string, length: number) => {
    let value = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first && value.startsWith('\uFEFF')) value = value.slice(1); // a UTF-8 export's byte-order mark
    first = false;
    return each(value, length - (text.length - value.length));
  };
  for await (const chunk of stdin) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let out = '';
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      out += line(partial === '' ? piece : append(partial, piece), partialLength + piece.length);
      partial = '';
      partialLength = 0;
      from = nl + 1;
    }
    const tail = text.slice(from);
    partial = append(partial, tail);
    partialLength += tail.length;
    if (out !== '') {
      io.out(out);
      await io.drain?.();
    }
  }
  const last = partial + decoder.end();
  if (last !== '') io.out(line(last, partialLength + (last.length - partial.length)));
}

/** `head + tail`, cut at {@link MAX_LINE} characters. */
function append(head: string, tail: string): string {
  return head.length >= MAX_LINE ? head : (head + tail).slice(0, MAX_LINE);
}

/** The --json line: the five required fields first, then the rest, undefined as null. */
function printJson(c: IdentifierCheck): string {
  const json = {
    input: c.input,
    scheme: c.scheme ?? null,
    normalized: c.normalized,
    valid: c.valid,
    rule: c.rule ?? null,
    message: c.message,
    schemeBy: c.schemeBy ?? null,
    ...(c.candidates ? { candidates: c.candidates } : {}),
    ...(c.unverifiable ? { unverifiable: true } : {}),
    ...(c.expected !== undefined ? { expected: c.expected } : {}),
    ...(c.found !== undefined ? { found: c.found } : {}),
    ...(c.position !== undefined ? { position: c.position } : {}),
    ...(c.derived ? { derived: derivedJson(c.derived) } : {}),
    masked: c.masked,
    ...(c.inputLength !== undefined ? { inputLength: c.inputLength } : {}),
  };
  return `${JSON.stringify(json)}\n`;
}

function derivedJson(d: UsccDerivation) {
  return {
    orgCode: d.orgCode,
    authority: d.authority,
    authorityName: d.authorityName ?? null,
    entityType: d.entityType,
    entityTypeName: d.entityTypeName ?? null,
    divisionCode: d.divisionCode,
    province: d.province ?? null,
  };
}

const WIDTH = { scheme: 10, normalized: 20, result: 12 } as const;
const HEADER = ['SCHEME'.padEnd(WIDTH.scheme), 'NORMALIZED'.padEnd(WIDTH.normalized), 'RESULT'.padEnd(WIDTH.result), 'DETAILS'].join('  ');

/** One line per identifier, columns aligned for the usual lengths (streams: no width is known up front). */
function printLine(c: IdentifierCheck): string {
  const scheme = c.scheme === undefined ? '-' : c.schemeBy === 'guessed' ? `${c.scheme}?` : c.scheme;
  const result = c.valid ? (c.unverifiable ? 'unverifiable' : 'valid') : c.rule === 'ambiguous' ? 'ambiguous' : 'INVALID';
  const details = c.derived ? describe(c.derived) : c.valid && !c.unverifiable ? '' : c.message;
  const normalized = c.normalized === '' ? "''" : printable(c.normalized);
  return `${[scheme.padEnd(WIDTH.scheme), normalized.padEnd(WIDTH.normalized), result.padEnd(WIDTH.result), details].join('  ').trimEnd()}\n`;
}

function describe(d: UsccDerivation): string {
  const named = (code: string, name: string | undefined) => (name ? `${code} ${name}` : code);
  return [
    `org ${d.orgCode}`,
    `authority ${named(d.authority, d.authorityName)}`,
    `type ${named(d.entityType, d.entityTypeName)}`,
    `division ${d.divisionCode}${d.province ? ` (${d.province})` : ''}`,
  ].join('; ');
}

/** Control, format and other invisible characters as \u{…}, so a line never carries a terminal escape. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}
