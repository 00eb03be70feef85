/** The windows a call counts in: its minute (UTC) and its calendar day in Asia/Shanghai. */
import { shanghaiDate } from '../core/lifecycle/publicity.js';

export interface QuotaWindows {
  readonly minute: string;
  readonly day: string;
}

export function windowsAt(now: Date): QuotaWindows {
  const ms = now.getTime();
  const minute = new Date(ms - (ms % 60_000)).toISOString().slice(0, 16);
  const day = shanghaiDate(ms);
  return { minute: `m:${minute}`, day: `d:${day}` };
}
