import type { ImportProgress } from './import-summary.js';

const n = (x: number): string => Math.round(x).toLocaleString('en');

/**
 * The one-line progress of an import, e.g.
 * `importing: 12,345 rows (8,210 rows/s)  accepted 12,300  unchanged 0  rejected 45`.
 */
export function formatProgress(p: ImportProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (p.rows * 1000) / elapsedMs : 0;
  return `importing: ${n(p.rows)} rows (${n(rate)} rows/s)  accepted ${n(p.accepted)}  unchanged ${n(p.unchanged)}  rejected ${n(p.rejected)}`;
}

/**
 * Redraws the progress line on a terminal (carriage return, line, erase to
 * the end of the line), at most every `intervalMs`. `now` gives milliseconds
 * from a monotonic clock.
 */
export class ProgressBar {
  private readonly started: number;
  private last = -Infinity;
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number,
    private readonly intervalMs = 100,
  ) {
    this.started = now();
  }

  update(p: ImportProgress, force = false): void {
    const t = this.now();
    if (!force && t - this.last < this.intervalMs) return;
    this.last = t;
    this.shown = true;
    this.write(`\r${formatProgress(p, t - this.started)}\x1b[K`);
  }

  /** Ends the line, if one was drawn. */
  done(): void {
    if (this.shown) this.write('\n');
    this.shown = false;
  }
}
