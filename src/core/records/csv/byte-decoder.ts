import { err, ok, type Result } from '../../result.js';
import type { FileProblem } from './file-problem.js';

/** The encodings 双公示 exports come in (DESIGN.md §2.2). */
export type CsvEncoding = 'utf8' | 'gb18030';

export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf8', 'gb18030'];

const LABEL: Readonly<Record<CsvEncoding, string>> = { utf8: 'UTF-8', gb18030: 'GB18030' };

/** Longest physical line accepted, in bytes (the tokenizer's row limit, in GB18030's worst case). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const LF = 0x0a;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const GB18030_BOM = [0x84, 0x31, 0x95, 0x33];

/**
 * Turns the bytes of a CSV file, fed in chunks of any size, into text.
 *
 * The encoding is forced, or detected from the first bytes: a UTF-8 or
 * GB18030 byte-order mark decides (and is dropped); otherwise the first
 * lines are tried as strict UTF-8 and, if they are not UTF-8, as GB18030.
 * UTF-16 is refused. Decoding is strict: a byte that is not valid in the
 * encoding refuses the file, naming the physical line it is on.
 *
 * Works line-aligned: a LF byte (0x0A) never occurs inside a multi-byte
 * character in UTF-8 or GB18030, so each piece handed to the decoder ends
 * with a complete line and a bad byte's line is the count of LF bytes before
 * it. Pure: no I/O; memory is bounded by the chunk and the longest line.
 */
export class CsvByteDecoder {
  private detected: CsvEncoding | undefined;
  private carry: Uint8Array = new Uint8Array(0);
  /** LF bytes in everything decoded so far: the line of the next piece is this + 1. */
  private linesDone = 0;
  private started = false;
  private failed: FileProblem | undefined;
  private readonly decoders = new Map<CsvEncoding, TextDecoder>();

  constructor(private readonly forced?: CsvEncoding) {
    this.detected = forced;
  }

  /** The encoding in use: forced, or detected once the first line is complete. */
  get encoding(): CsvEncoding | undefined {
    return this.detected;
  }

  /** Text of the complete lines this chunk finishes. */
  push(bytes: Uint8Array): Result<string, FileProblem> {
    if (this.failed) return err(this.failed);
    const data = this.carry.length === 0 ? bytes : concat(this.carry, bytes);
    const lastLf = data.lastIndexOf(LF);
    if (lastLf < 0) {
      this.carry = data;
      if (data.length > MAX_LINE_BYTES) {
        return this.fail({
          code: 'ROW_TOO_LONG',
          line: this.linesDone + 1,
          message: `line ${this.linesDone + 1} is longer than ${MAX_LINE_BYTES.toLocaleString('en')} bytes`,
        });
      }
      return ok('');
    }
    this.carry = data.slice(lastLf + 1);
    return this.decodePiece(data.subarray(0, lastLf + 1));
  }

  /** Text of the last line, if the file does not end with a line break. */
  end(): Result<string, FileProblem> {
    if (this.failed) return err(this.failed);
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return this.decodePiece(rest);
  }

  private decodePiece(piece: Uint8Array): Result<string, FileProblem> {
    let bytes = piece;
    if (!this.started && bytes.length > 0) {
      this.started = true;
      const bom = this.byteOrderMark(bytes);
      if (bom.error) return this.fail(bom.error);
      bytes = bytes.subarray(bom.value);
    }
    if (bytes.length === 0) return ok('');
    if (!this.detected) {
      const detected = this.detect(bytes);
      if (detected.error) return this.fail(detected.error);
      this.detected = detected.value;
    }
    const text = this.tryDecode(this.detected, bytes);
    if (text === undefined) {
      const line = this.badLine(this.detected, bytes);
      const other = this.detected === 'utf8' ? 'gb18030' : 'utf8';
      const hint = this.forced
        ? ''
        : ` (the lines before it are): save the file as ${LABEL[this.detected]}, or give --encoding ${other} if it is ${LABEL[other]}`;
      return this.fail({
        code: 'ENCODING_INVALID',
        line,
        message: `line ${line} is not valid ${LABEL[this.detected]}${hint}`,
      });
    }
    this.linesDone += countLf(bytes);
    return ok(text);
  }

  /** Length of a byte-order mark at the start of the file, deciding the encoding unless forced. */
  private byteOrderMark(bytes: Uint8Array): Result<number, FileProblem> {
    if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
      if (!this.forced) {
        return err({
          code: 'ENCODING_UNSUPPORTED',
          line: 1,
          message: 'the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8 or GB18030',
        });
      }
      return ok(0);
    }
    if (startsWith(bytes, UTF8_BOM) && this.detected !== 'gb18030') {
      this.detected = 'utf8';
      return ok(UTF8_BOM.length);
    }
    if (startsWith(bytes, GB18030_BOM) && this.detected !== 'utf8') {
      this.detected = 'gb18030';
      return ok(GB18030_BOM.length);
    }
    return ok(0);
  }

  /** UTF-8 if the bytes are strict UTF-8, else GB18030 if they are strict GB18030, else the file is refused. */
  private detect(bytes: Uint8Array): Result<CsvEncoding, FileProblem> {
    if (this.tryDecode('utf8', bytes) !== undefined) return ok('utf8');
    if (this.tryDecode('gb18030', bytes) !== undefined) return ok('gb18030');
    // Name the line where the more plausible reading fails: the one that gets further.
    const utf8Line = this.badLine('utf8', bytes);
    const gbLine = this.badLine('gb18030', bytes);
    const line = Math.max(utf8Line, gbLine);
    return err({
      code: 'ENCODING_INVALID',
      line,
      message: `line ${line} is neither UTF-8 nor GB18030: save the file as UTF-8 or GB18030`,
    });
  }

  private decoder(encoding: CsvEncoding): TextDecoder {
    let d = this.decoders.get(encoding);
    if (!d) {
      d = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'gb18030', { fatal: true, ignoreBOM: true });
      this.decoders.set(encoding, d);
    }
    return d;
  }

  private tryDecode(encoding: CsvEncoding, bytes: Uint8Array): string | undefined {
    try {
      return this.decoder(encoding).decode(bytes);
    } catch {
      return undefined;
    }
  }

  /** The physical line of the first undecodable line in a piece that failed to decode. */
  private badLine(encoding: CsvEncoding, bytes: Uint8Array): number {
    let start = 0;
    let line = this.linesDone + 1;
    while (start < bytes.length) {
      const lf = bytes.indexOf(LF, start);
      const end = lf < 0 ? bytes.length : lf + 1;
      if (this.tryDecode(encoding, bytes.subarray(start, end)) === undefined) return line;
      line += 1;
      start = end;
    }
    return line;
  }

  private fail(problem: FileProblem): { readonly error: FileProblem } {
    this.failed = problem;
    return err(problem);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

function countLf(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) count += 1;
  return count;
}
