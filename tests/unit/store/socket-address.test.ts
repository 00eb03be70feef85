import { describe, expect, it } from 'vitest';
import { MAX_UNIX_SOCKET_PATH, listenAddressFor } from '../../../src/store/embedded/socket-address.js';

describe('listenAddressFor', () => {
  it('uses the Unix socket pg looks for in a short data directory', () => {
    expect(listenAddressFor('/var/lib/credfed', 'linux')).toEqual({
      kind: 'unix',
      dir: '/var/lib/credfed',
      path: '/var/lib/credfed/.s.PGSQL.5432',
    });
  });

  it('falls back to loopback TCP when the socket path would be too long', () => {
    const longDir = `/${'d'.repeat(MAX_UNIX_SOCKET_PATH - '/.s.PGSQL.5432'.length)}`;
    expect(listenAddressFor(longDir.slice(0, -1), 'linux').kind).toBe('unix');
    expect(listenAddressFor(longDir, 'linux').kind).toBe('tcp');
  });

  it('counts bytes, not characters', () => {
    const dir = `/${'数'.repeat(30)}`; // 30 characters, 90 bytes
    expect(listenAddressFor(dir, 'linux')).toEqual({ kind: 'tcp', host: '127.0.0.1' });
  });

  it('uses TCP on Windows', () => {
    expect(listenAddressFor('C:\\credfed', 'win32').kind).toBe('tcp');
  });
});
