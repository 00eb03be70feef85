import { describe, expect, it } from 'vitest';
import type { SignedVerdict } from '../../../src/gen/credfed/v1/verdict.js';
import { VerdictCache } from '../../../src/recognition/verdict-cache.js';

const verdict = (jws: string): SignedVerdict => ({ jws });
const T0 = Date.parse('2026-06-01T00:00:00Z');

describe('VerdictCache', () => {
  it('serves a verdict while the records state is the same and valid-until is not near', () => {
    const cache = new VerdictCache();
    cache.put('k', 'state-1', verdict('a'), T0 + 300_000, T0);
    expect(cache.get('k', 'state-1', T0 + 1_000)?.jws).toBe('a');
    expect(cache.get('k', 'state-1', T0 + 289_999)?.jws).toBe('a');
  });

  it('keeps a tenth of the validity (at most 10 s) in hand: nothing is served that would arrive expired', () => {
    const cache = new VerdictCache();
    cache.put('long', 's', verdict('a'), T0 + 300_000, T0);
    expect(cache.get('long', 's', T0 + 290_000)).toBeUndefined();
    cache.put('short', 's', verdict('b'), T0 + 20_000, T0);
    expect(cache.get('short', 's', T0 + 17_999)?.jws).toBe('b');
    expect(cache.get('short', 's', T0 + 18_000)).toBeUndefined();
  });

  it('a changed records state is never answered from the cache, and drops the entry', () => {
    const cache = new VerdictCache();
    cache.put('k', 'state-1', verdict('a'), T0 + 300_000, T0);
    expect(cache.get('k', 'state-2', T0)).toBeUndefined();
    expect(cache.get('k', 'state-1', T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const cache = new VerdictCache(2);
    cache.put('a', 's', verdict('a'), T0 + 300_000, T0);
    cache.put('b', 's', verdict('b'), T0 + 300_000, T0);
    expect(cache.get('a', 's', T0)?.jws).toBe('a'); // a is now the most recently used
    cache.put('c', 's', verdict('c'), T0 + 300_000, T0);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 's', T0)).toBeUndefined();
    expect(cache.get('a', 's', T0)?.jws).toBe('a');
    expect(cache.get('c', 's', T0)?.jws).toBe('c');
  });
});
