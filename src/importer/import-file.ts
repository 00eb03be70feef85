import fs from 'node:fs';
import { CredfedError } from '../core/errors.js';

/** Bytes read at a time from an import file. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Opens an import file as a byte stream of {@link READ_CHUNK_BYTES} chunks;
 * a file that cannot be read, or is not a regular file, is NOT_FOUND naming it.
 */
export async function openImportFile(file: string): Promise<fs.ReadStream> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    await fs.promises.access(file, fs.constants.R_OK);
  } catch {
    throw new CredfedError('NOT_FOUND', `cannot read ${file}`);
  }
  return fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
}
