import pino from 'pino';

/**
 * Fields a log line may carry. Anything else is dropped, so record payloads,
 * identifiers and secrets never reach the logs (DESIGN.md §6.6).
 */
const ALLOWED = new Set([
  'node', 'partner', 'method', 'code', 'reason', 'status', 'seq', 'throughSeq', 'count', 'accepted', 'unchanged',
  'rejected', 'durationMs', 'requestId', 'backend', 'listen', 'endpoint', 'file', 'version', 'pid', 'attempt',
  'delayMs', 'lastSeq', 'window', 'err',
  // certificate and CRL expiry (expiry-monitor.ts, crl-keeper.ts)
  'role', 'subject', 'serial', 'notAfter', 'daysLeft', 'threshold', 'issuer', 'nextUpdate', 'hoursLeft', 'crlNumber',
]);

export type Logger = pino.Logger;

/** Structured JSON logger (pino) with allow-listed fields. */
export function createLogger(opts: { level?: string; node?: string; destination?: pino.DestinationStream } = {}): Logger {
  const base = pino(
    {
      level: opts.level ?? process.env.CREDFED_LOG_LEVEL ?? 'info',
      base: opts.node ? { node: opts.node } : {},
      formatters: {
        log(obj) {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(obj)) if (ALLOWED.has(k)) out[k] = v;
          return out;
        },
      },
      serializers: { err: (e: unknown) => safeError(e) },
    },
    opts.destination ?? pino.destination(2),
  );
  return base;
}

/** Only an error's class, catalogue code and message: no stacks with payloads, no causes. */
function safeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: String(e) };
  return { type: e.name, code: (e as { code?: unknown }).code, message: e.message };
}
