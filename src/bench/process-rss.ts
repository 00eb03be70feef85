import fs from 'node:fs';

const mib = (kB: number) => Math.round((kB / 1024) * 10) / 10;

function statusField(status: string, field: string, pid: number): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]);
}

/** Peak resident set size of a live process in MiB (Linux VmHWM). */
export function peakRssMiB(pid: number): number {
  return mib(statusField(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM', pid));
}

/** Resident set size now (VmRSS) and at its peak (VmHWM) of a live process, in MiB. */
export function residentMiB(pid: number): { rssMiB: number; peakRssMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: mib(statusField(status, 'VmRSS', pid)), peakRssMiB: mib(statusField(status, 'VmHWM', pid)) };
}
