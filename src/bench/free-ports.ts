/**
 * A run of consecutive loopback ports found free by binding each one. The
 * runs tried lie below Linux's ephemeral range (32768–60999), so a port the
 * kernel hands out meanwhile (e.g. a gateway's metrics on port 0) cannot take
 * one of them between the check and the use.
 */
import net from 'node:net';

const FIRST = 21000;
const LAST = 32000;
const ATTEMPTS = 50;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The first port of `count` consecutive free ports on 127.0.0.1; throws after 50 tries. */
export async function freePortRun(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number> {
  const span = LAST - FIRST - count;
  let base = FIRST + ((process.pid * 7919) % span);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++, base = FIRST + ((base - FIRST + 97 * count) % span)) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => avoid.has(p))) continue;
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1 between ${FIRST} and ${LAST} after ${ATTEMPTS} tries`);
}
