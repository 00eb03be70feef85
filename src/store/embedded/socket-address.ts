/**
 * Where the embedded database's socket server listens. A Unix socket inside
 * the data directory is preferred: only users who can enter the directory can
 * reach it, and no port is taken. Socket paths are limited (108 bytes on
 * Linux, 104 on macOS), so a deep data directory falls back to a free port on
 * the loopback interface.
 */
import path from 'node:path';

/** Port number in the socket file name; `pg` connects to `<host>/.s.PGSQL.<port>`. */
export const UNIX_SOCKET_PORT = 5432;
/** Longest Unix socket path used, in bytes (below every platform's sun_path limit). */
export const MAX_UNIX_SOCKET_PATH = 99;

/** How the socket server listens. */
export type ListenAddress =
  | { readonly kind: 'unix'; readonly dir: string; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string };

/** How `pg` reaches the server once it listens. */
export interface ConnectAddress {
  readonly host: string;
  readonly port: number;
}

/** The address for `dataDir` (absolute): its Unix socket when short enough, else loopback TCP. */
export function listenAddressFor(dataDir: string, platform: NodeJS.Platform = process.platform): ListenAddress {
  const socketPath = path.join(dataDir, `.s.PGSQL.${UNIX_SOCKET_PORT}`);
  if (platform !== 'win32' && Buffer.byteLength(socketPath) <= MAX_UNIX_SOCKET_PATH) {
    return { kind: 'unix', dir: dataDir, path: socketPath };
  }
  return { kind: 'tcp', host: '127.0.0.1' };
}
