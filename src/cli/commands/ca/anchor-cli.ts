/** What `ca import`, `ca import-crl` and `ca anchors` share: reading PEM files, this node's other CA certificates, printing an anchor. */
import { readFile } from 'node:fs/promises';
import type { NodeConfig } from '../../../config/node-config.js';
import { CredfedError } from '../../../core/errors.js';
import type { AnchorView } from '../../../trust/import-anchor-view.js';
import type { Io } from '../../command.js';

/** A PEM file's text, or the given code naming the file when it cannot be read. */
export async function readPemFile(file: string, code: 'TRUST_ANCHOR_INVALID' | 'CRL_INVALID', what: string): Promise<string> {
  try {
    const bytes = await readFile(file);
    if (bytes.length > 16 * 1024 * 1024) throw new CredfedError(code, `${file} (${what}) is larger than 16 MiB`);
    return bytes.toString('utf8');
  } catch (cause) {
    if (cause instanceof CredfedError) throw cause;
    throw new CredfedError(code, `${file} (${what}): cannot read, ${(cause as NodeJS.ErrnoException).code ?? 'EIO'}`, { path: file });
  }
}

/** The node's `tls.ca` file (its federation CA bundle), when readable: a foreign CA import must not name it. */
export async function ownCaPems(config: NodeConfig): Promise<string[]> {
  try {
    return [await readFile(config.tls.ca, 'utf8')];
  } catch {
    return [];
  }
}

/** `key: value` lines of one anchor on stderr. */
export function reportAnchor(io: Io, verb: string, a: AnchorView): void {
  io.err(
    `${verb} partner ${a.partnerId} to ${a.subject}\n` +
      `  key SHA-256 ${a.fingerprint}\n  CA valid until ${a.notAfter}\n` +
      `  CRL number ${a.crlNumber ?? '-'}, this update ${a.crlThisUpdate}, next update ${a.crlNextUpdate} (${a.state})\n`,
  );
}
