/** The windows a call counts in: its minute (UTC) and its calendar day in Asia/Shanghai. */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export interface QuotaWindows {
  readonly minute: string;
  readonly day: string;
}

export function windowsAt(now: Date): QuotaWindows {
  const ms = now.getTime();
  const minute = new Date(ms - (ms % 60_000)).toISOString().slice(0, 16);
  const day = new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  return { minute: `m:${minute}`, day: `d:${day}` };
}
