// Closers (src/server/closers.ts): newest first on stop; a failed start-up runs the closers
// registered so far and rethrows its error.
import { describe, expect, it } from 'vitest';
import { Closers } from '../../../src/server/closers.js';

describe('Closers', () => {
  it('runs every closer newest first, each awaited before the next', async () => {
    const closers = new Closers();
    const ran: string[] = [];
    closers.push(() => ran.push('store'));
    closers.push(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      ran.push('server');
    });
    closers.push(() => ran.push('senders'));
    await closers.closeAll();
    expect(ran).toEqual(['senders', 'server', 'store']);
    await closers.closeAll();
    expect(ran).toHaveLength(3);
  });

  it('a closer that throws does not stop the ones after it; its error comes out at the end', async () => {
    const closers = new Closers();
    const ran: string[] = [];
    const failure = new Error('sender stuck');
    closers.push(() => ran.push('store'));
    closers.push(() => {
      throw failure;
    });
    closers.push(() => ran.push('health'));
    await expect(closers.closeAll()).rejects.toBe(failure);
    expect(ran).toEqual(['health', 'store']);
  });

  it('a failed start-up runs the closers registered so far and rethrows', async () => {
    const closers = new Closers();
    const ran: string[] = [];
    const failure = new Error('listen failed');
    const started = closers.unwindOnFailure(async () => {
      closers.push(() => ran.push('store'));
      closers.push(() => ran.push('directory'));
      throw failure;
    });
    await expect(started).rejects.toBe(failure);
    expect(ran).toEqual(['directory', 'store']);
  });

  it('a successful start-up keeps its closers for stop', async () => {
    const closers = new Closers();
    const ran: string[] = [];
    const value = await closers.unwindOnFailure(async () => {
      closers.push(() => ran.push('store'));
      return 42;
    });
    expect(value).toBe(42);
    expect(ran).toEqual([]);
    await closers.closeAll();
    expect(ran).toEqual(['store']);
  });
});
