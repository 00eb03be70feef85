import fs from 'node:fs';

/** Peak resident set size of a live process in MiB (Linux VmHWM). */
export function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}
