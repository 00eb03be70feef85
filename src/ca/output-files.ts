/**
 * Output files of CA commands, written so that nothing is half-created: each
 * file is first written in full to a temporary file beside its destination
 * (inside the database transaction that records it), and moved into place
 * only after the transaction committed. A failed transaction removes the
 * temporary files; the destinations never see partial content.
 *
 * A key file is never overwritten (`exclusive`: hard link, which fails on an
 * existing file); certificates, CRLs and backups replace an existing file
 * atomically (rename).
 */
import { randomBytes } from 'node:crypto';
import { access, link, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CredfedError } from '../core/errors.js';

/** How one output file is written. */
export interface OutputOptions {
  /** File mode (0600 for keys and backups, 0644 for certificates and CRLs). */
  readonly mode: number;
  /** Refuse to replace an existing file (keys). */
  readonly exclusive?: boolean;
}

interface Staged {
  readonly path: string;
  readonly tmp: string;
  readonly exclusive: boolean;
}

export const KEY_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

/**
 * Checks, before any work, that `path` can be created: its directory exists
 * and, for an exclusive file, the file itself does not.
 */
export async function checkOutputPath(path: string, options: Pick<OutputOptions, 'exclusive'>, what: string): Promise<void> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CredfedError('CERT_FILE_MISSING', `${path} (${what}): directory ${dir} does not exist`, { path });
  if (options.exclusive && (await access(path).then(() => true, () => false))) {
    throw new CredfedError('CERT_INVALID', `${path} (${what}) exists; a key file is never overwritten — choose another path or move it away`, { path });
  }
}

/** A set of output files published together after a commit. */
export class OutputBatch {
  readonly #staged: Staged[] = [];

  /** Writes `content` to a temporary file beside `path` (mode applied at creation). */
  async stage(path: string, content: string | Buffer, options: OutputOptions): Promise<void> {
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, content, { mode: options.mode, flag: 'wx' });
    this.#staged.push({ path, tmp, exclusive: options.exclusive ?? false });
  }

  /**
   * Moves every staged file into place. A file that cannot be moved (an
   * exclusive destination that appeared meanwhile) stays as its temporary
   * file, named in the error so its content is not lost.
   */
  async publish(): Promise<string[]> {
    const published: string[] = [];
    const left: string[] = [];
    for (const file of this.#staged) {
      try {
        if (file.exclusive) {
          await link(file.tmp, file.path);
          await unlink(file.tmp);
        } else {
          await rename(file.tmp, file.path);
        }
        published.push(file.path);
      } catch (cause) {
        left.push(`${file.path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}, content kept in ${file.tmp}`);
      }
    }
    this.#staged.length = 0;
    if (left.length > 0) throw new CredfedError('CERT_INVALID', `recorded in the store, but not every file could be written: ${left.join('; ')}`);
    return published;
  }

  /** Removes the temporary files (the work they belonged to failed). */
  async discard(): Promise<void> {
    await Promise.all(this.#staged.map((f) => unlink(f.tmp).catch(() => undefined)));
    this.#staged.length = 0;
  }
}
