// PeriodicReload (src/core/periodic-reload.ts): one read at a time, a failed read reported and
// nothing applied, nothing applied after stop, stop waits for the read under way.
import { describe, expect, it } from 'vitest';
import { PeriodicReload } from '../../../src/core/periodic-reload.js';

function gatedSource() {
  let reads = 0;
  let release: (v: number) => void = () => undefined;
  let fail: Error | undefined;
  return {
    reads: () => reads,
    failWith: (e: Error) => (fail = e),
    release: (v: number) => release(v),
    read: () => {
      reads++;
      if (fail) return Promise.reject(fail);
      return new Promise<number>((resolve) => (release = resolve));
    },
  };
}

describe('PeriodicReload', () => {
  it('reads once for refreshes asked during a read, and applies the value', async () => {
    const source = gatedSource();
    const applied: number[] = [];
    const reload = new PeriodicReload({ read: source.read, apply: (v) => applied.push(v), onError: () => undefined });
    const first = reload.refresh();
    const second = reload.refresh();
    source.release(7);
    await Promise.all([first, second]);
    expect(source.reads()).toBe(1);
    expect(applied).toEqual([7]);
  });

  it('reports a failed read and applies nothing', async () => {
    const source = gatedSource();
    const applied: number[] = [];
    const errors: unknown[] = [];
    const reload = new PeriodicReload({ read: source.read, apply: (v) => applied.push(v), onError: (e) => errors.push(e) });
    source.failWith(new Error('down'));
    await reload.refresh();
    expect(applied).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('stop waits for the read under way and applies nothing after it', async () => {
    const source = gatedSource();
    const applied: number[] = [];
    const reload = new PeriodicReload({ read: source.read, apply: (v) => applied.push(v), onError: () => undefined });
    const refreshing = reload.refresh();
    let stopped = false;
    const stopping = reload.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    source.release(1);
    await Promise.all([refreshing, stopping]);
    expect(stopped).toBe(true);
    expect(applied).toEqual([]);
    await reload.refresh();
    expect(source.reads()).toBe(1);
  });
});
