/** Reading and writing certificate and key files without ever clobbering one. */
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { CredfedError } from '../core/errors.js';

/** The file's text, or undefined when it does not exist; other read errors are CERT_FILE_MISSING. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredfedError('CERT_FILE_MISSING', `${path}: cannot read, ${(cause as NodeJS.ErrnoException).code ?? 'EIO'}`);
  }
}

/**
 * Writes a file atomically (temporary file, then a hard link that
 * never replaces an existing file). A file that appears meanwhile is
 * reported as `CredfedError('CERT_INVALID')`, never overwritten.
 */
export async function writeNewFile(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode, flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw appeared(path);
    if (code === undefined || !NO_HARD_LINKS.has(code)) throw cause;
    // A file system without hard links: exclusive create, not atomic but never clobbering.
    await writeFile(path, content, { mode, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EEXIST' ? appeared(path) : e;
    });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Errors of `link` on file systems that cannot hard-link. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

function appeared(path: string): CredfedError {
  return new CredfedError('CERT_INVALID', `${path} appeared while it was being created (concurrent ensureDevCertificates?)`);
}
