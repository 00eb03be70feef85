/** Certificate serials as users type them: `0A:1B:…` (OpenSSL), `0a1b…`, upper or lower case. */
import { err, ok, type Result } from '../core/result.js';

/** Lower-case hex without separators; leading zeros are kept (the store matches without them). */
export function parseSerial(text: string): Result<string, string> {
  const hex = text.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(hex)) return err(`serial ${JSON.stringify(text)} is not a hexadecimal certificate serial`);
  return ok(hex);
}
