import pino from 'pino';

/**
 * Fields a log line may carry (README "Logs"). Anything else — in a log
 * call's fields or a child logger's bindings — is dropped, so record
 * payloads, subject names, identifiers and secrets never reach the logs
 * (DESIGN.md §6.6). Values are kept only as text, numbers, booleans or lists
 * of those; `err` is reduced to its class, catalogue code and message.
 */
export const LOG_FIELDS: ReadonlySet<string> = new Set([
  // who and which call
  'node', 'partner', 'method', 'requestId', 'feedOf', 'messageId', 'metric',
  // outcomes
  'code', 'reason', 'why', 'status', 'err', 'durationMs', 'count', 'accepted', 'unchanged', 'rejected', 'kind', 'field', 'recordId',
  // sync and feeds
  'seq', 'throughSeq', 'lastSeq', 'window', 'attempt', 'delayMs', 'resumed', 'watched',
  // process and store
  'backend', 'listen', 'endpoint', 'file', 'version', 'versions', 'pid', 'years', 'timeoutMs', 'signal',
  // certificate and CRL expiry (expiry-monitor.ts, crl-keeper.ts)
  'role', 'subject', 'serial', 'notAfter', 'daysLeft', 'threshold', 'issuer', 'nextUpdate', 'hoursLeft', 'crlNumber',
]);

/** What an 18- or 15-character resident identity number (or any number shaped like one) becomes in a log line. */
export const MASKED_NUMBER = '[id-number]';
/**
 * Runs of 15 or 18 characters shaped like a resident identity number (17
 * digits and a check digit or X; the old 15-digit form), standing alone.
 * Masked wherever they appear in text (messages, error messages, field
 * values), whether or not their check character is right: a mistyped number
 * is still personal data. 18-digit codes of organisations look the same and
 * are masked too.
 */
const NUMBER_SHAPE = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;

export type Logger = pino.Logger;

/** Structured JSON logger (pino) with allow-listed fields and masked identity numbers. */
export function createLogger(opts: { level?: string; node?: string; destination?: pino.DestinationStream } = {}): Logger {
  const logger = pino(
    {
      level: opts.level ?? process.env.CREDFED_LOG_LEVEL ?? 'info',
      base: opts.node ? { node: opts.node } : {},
      formatters: { log: (obj) => allowed(obj) },
      serializers: {
        // `err` was made safe by allowed() (pino's own serializer would add what it finds).
        err: (v: unknown) => v,
        // The message (after any printf arguments, or an error's message used as one) is masked too.
        msg: (m: unknown) => (typeof m === 'string' ? maskNumbers(m) : m),
      },
    },
    opts.destination ?? pino.destination(2),
  );
  // pino does not pass child loggers' bindings through any formatter: filter them here (children
  // inherit this method, so grandchildren are filtered as well).
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, allowed(bindings), options);
  } as typeof logger.child;
  return logger;
}

/** What a call's code logs with: the four levels, as pino's. */
export type CallLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

type Level = keyof CallLog;

/**
 * A child of `parent` with `bindings`, made only when a line is written at an
 * enabled level: a call that logs nothing (most calls, at the default level)
 * makes no child logger.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): CallLog {
  return new LazyChild(parent, bindings) as unknown as CallLog;
}

class LazyChild {
  private child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.parent.isLevelEnabled(level)) return;
    this.child ??= this.parent.child(this.bindings);
    (this.child[level] as (...a: unknown[]) => void)(...args);
  }
}

/** The allow-listed fields of `obj`, with safe values only. */
export function allowed(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!LOG_FIELDS.has(k)) continue;
    const safe = k === 'err' ? safeError(v) : safeValue(v);
    if (safe !== undefined) out[k] = safe;
  }
  return out;
}

/** Text (masked), numbers, booleans, dates, and lists of those; anything else (objects, buffers) is dropped. */
function safeValue(v: unknown): unknown {
  if (typeof v === 'string') return maskNumbers(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    const items = v.map(safeValue);
    return items.every((i) => i !== undefined) ? items : undefined;
  }
  return undefined;
}

/**
 * An error as a log line may show it: its class, code and message (masked),
 * and for unexpected errors (bugs: no code at all, neither a catalogue code
 * nor a gRPC status nor a system error code such as ECONNREFUSED) the stack;
 * never its details, cause or any other property (which may hold a request or
 * record).
 */
export function safeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: maskNumbers(String(e)) };
  const code = (e as { code?: unknown }).code;
  const coded = typeof code === 'string' || typeof code === 'number';
  return {
    type: e.name,
    ...(coded ? { code } : {}),
    message: maskNumbers(e.message),
    ...(coded || !e.stack ? {} : { stack: maskNumbers(e.stack) }),
  };
}

/** `text` with every run shaped like an identity number masked. */
export function maskNumbers(text: string): string {
  return text.replace(NUMBER_SHAPE, MASKED_NUMBER);
}
