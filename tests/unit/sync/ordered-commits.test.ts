import { describe, expect, it } from 'vitest';
import { OrderedCommits } from '../../../src/sync/ordered-commits.js';

/** A piece of work whose end the test decides. */
function gate() {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { done, open, fail };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('OrderedCommits', () => {
  it('runs up to `parallel` pieces at once and starts the next when one ends', async () => {
    const commits = new OrderedCommits<number>(2);
    const started: number[] = [];
    const gates = [gate(), gate(), gate()];
    const results = gates.map((g, i) => commits.add(new Set([`k${i}`]), async () => (started.push(i), await g.done, i)));
    await tick();
    expect(started).toEqual([0, 1]);
    gates[0]!.open();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.open();
    gates[2]!.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2]);
  });

  it('never overlaps two pieces that share a key', async () => {
    const commits = new OrderedCommits<void>(4);
    const started: string[] = [];
    const first = gate();
    void commits.add(new Set(['r:1', 'i:A']), async () => (started.push('first'), await first.done));
    const second = commits.add(new Set(['i:A']), async () => void started.push('second'));
    await tick();
    expect(started).toEqual(['first']);
    first.open();
    await second;
    expect(started).toEqual(['first', 'second']);
  });

  it('starts pieces in the order they were added, even when a later one could start first', async () => {
    const commits = new OrderedCommits<void>(2);
    const started: number[] = [];
    const first = gate();
    void commits.add(new Set(['a']), async () => (started.push(0), await first.done));
    void commits.add(new Set(['a']), async () => void started.push(1)); // waits for the first (shared key)
    const third = commits.add(new Set(['b']), async () => void started.push(2)); // free, but added after the second
    await tick();
    expect(started).toEqual([0]);
    first.open();
    await third;
    expect(started).toEqual([0, 1, 2]);
  });

  it('hands each piece the outcome of the one before it, failures included', async () => {
    const commits = new OrderedCommits<string>(2);
    const seen: string[] = [];
    const failing = gate();
    const a = commits.add(new Set(['a']), async () => (await failing.done, 'a'));
    const b = commits.add(new Set(['b']), async (previous) => {
      await previous.then(
        () => seen.push('previous ok'),
        (e: Error) => seen.push(`previous failed: ${e.message}`),
      );
      return 'b';
    });
    failing.fail(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    expect(await b).toBe('b');
    expect(seen).toEqual(['previous failed: boom']);
  });
});
