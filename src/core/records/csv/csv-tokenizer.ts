import { err, ok, type Result } from '../../result.js';
import type { FileProblem } from './file-problem.js';

/** One CSV record: its fields and the physical line (1-based) where it starts. */
export interface CsvRow {
  readonly line: number;
  readonly fields: string[];
}

/** Longest row accepted, in characters: past it, a quote was almost certainly never closed. */
export const MAX_ROW_CHARS = 1_000_000;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  /** At the start of a field: a quote here opens a quoted field. */
  FieldStart,
  /** Inside an unquoted field (a quote here is an ordinary character). */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: `""` is a literal quote, anything else closes it. */
  QuoteInQuoted,
}

/**
 * A streaming RFC 4180 tokenizer fed with string chunks of any size: commas
 * between fields, quoted fields with `""` for a quote, CRLF, LF or CR line
 * ends, line breaks inside quoted fields. Lenient where exports are sloppy: a
 * quote inside an unquoted field is kept, and text after a closing quote is
 * appended to the field. Blank lines are skipped. Each row carries the
 * physical line where it starts, counting the line breaks inside quoted
 * fields. Pure: no I/O; memory is bounded by the longest row.
 */
export class CsvTokenizer {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private rowChars = 0;
  /** Physical line of the next character. */
  private line = 1;
  private rowLine = 1;
  /** The previous chunk ended with a CR ending a row: a LF at the start of the next one belongs to it. */
  private pendingCr = false;
  /** The previous chunk ended inside a quoted field with a CR: a LF at the start of the next one belongs to it. */
  private lastQuotedCr = false;
  /** Whether the last character pushed was a line break (undefined: nothing pushed yet). */
  private lastWasBreak: boolean | undefined;
  private failed: FileProblem | undefined;

  /** Physical lines read so far (a last line without a line break counts). */
  get lines(): number {
    return this.line - 1 + (this.lastWasBreak === false ? 1 : 0);
  }

  /** The rows completed by this chunk. */
  push(text: string): Result<CsvRow[], FileProblem> {
    if (this.failed) return err(this.failed);
    const rows: CsvRow[] = [];
    const n = text.length;
    let i = 0;
    if (n > 0) {
      const last = text.charCodeAt(n - 1);
      this.lastWasBreak = last === LF || last === CR;
    }
    if (this.pendingCr && n > 0) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (this.state === State.Quoted) {
        const q = text.indexOf('"', i);
        const end = q < 0 ? n : q;
        this.append(text, i, end);
        this.line += countLineBreaks(text, i, end, this.quotedCrBefore(text, i));
        if (q < 0) {
          this.lastQuotedCr = text.charCodeAt(n - 1) === CR;
          i = n;
        } else {
          this.lastQuotedCr = false;
          this.state = State.QuoteInQuoted;
          i = q + 1;
        }
      } else if (this.state === State.QuoteInQuoted) {
        if (text.charCodeAt(i) === QUOTE) {
          this.field += '"';
          this.rowChars += 1;
          this.state = State.Quoted;
          i += 1;
        } else {
          this.state = State.Unquoted;
        }
      } else {
        if (this.state === State.FieldStart && text.charCodeAt(i) === QUOTE) {
          this.state = State.Quoted;
          this.lastQuotedCr = false;
          i += 1;
          continue;
        }
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j += 1;
        }
        this.append(text, i, j);
        this.state = State.Unquoted;
        i = j;
        if (j < n) {
          // A comma ends the field; a line break ends the field and the row.
          i = j + 1;
          this.fields.push(this.field);
          this.field = '';
          this.state = State.FieldStart;
          if (c !== COMMA) {
            this.line += 1;
            const row = this.endRow();
            if (row) rows.push(row);
            if (c === CR && i < n && text.charCodeAt(i) === LF) i += 1;
            else if (c === CR && i === n) this.pendingCr = true;
          }
        }
      }
      if (this.rowChars > MAX_ROW_CHARS) {
        this.failed = {
          code: 'ROW_TOO_LONG',
          line: this.rowLine,
          message: `the row starting on line ${this.rowLine} is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters (a quote that is never closed?)`,
        };
        return err(this.failed);
      }
    }
    return ok(rows);
  }

  /** The last row, if the file does not end with a line break. */
  end(): Result<CsvRow[], FileProblem> {
    if (this.failed) return err(this.failed);
    if (this.state === State.Quoted) {
      this.failed = {
        code: 'QUOTE_UNTERMINATED',
        line: this.rowLine,
        message: `the quoted field in the row starting on line ${this.rowLine} is never closed`,
      };
      return err(this.failed);
    }
    if (this.state === State.FieldStart && this.fields.length === 0) return ok([]);
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
    const row = this.endRow();
    return ok(row ? [row] : []);
  }

  /** Whether a CR just before `start` (possibly at the end of the previous chunk) is still unpaired. */
  private quotedCrBefore(text: string, start: number): boolean {
    return start === 0 ? this.lastQuotedCr : text.charCodeAt(start - 1) === CR;
  }

  private append(text: string, start: number, end: number): void {
    if (end > start) {
      this.field += text.slice(start, end);
      this.rowChars += end - start;
    }
  }

  private endRow(): CsvRow | undefined {
    const fields = this.fields;
    const line = this.rowLine;
    this.fields = [];
    this.rowChars = 0;
    this.rowLine = this.line;
    if (fields.length === 1 && fields[0] === '') return undefined;
    return { line, fields };
  }
}

/**
 * Line breaks in text[start, end): every LF, and every CR not followed by a
 * LF. A LF right after a CR that ended the previous segment (`crBefore`) was
 * already counted with it.
 */
function countLineBreaks(text: string, start: number, end: number, crBefore: boolean): number {
  let count = 0;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === LF) {
      if (!(k === start ? crBefore : text.charCodeAt(k - 1) === CR)) count += 1;
    } else if (c === CR) {
      count += 1;
    }
  }
  return count;
}
