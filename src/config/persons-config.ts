/**
 * The `persons` section of a node's configuration (issue 5, point 5):
 *
 *   persons:
 *     pseudonymKeys:            # federation keys, the current key first
 *       - { id: k2026, file: keys/federation-2026.key }
 *     residentIdStorage: encrypted   # or none
 *     encryptionKeyFile: keys/node.key
 *     mask: { keepFirst: 6, keepLast: 4 }
 *
 * Key files are read here once so that an unreadable or short key is a
 * configuration error naming the file; the gateway reads them again when it
 * starts (loadPersonsProtection).
 */

import { KEY_ID_PATTERN } from '../core/persons/pseudonym.js';
import { readKeyFile } from '../persons/key-file.js';
import { DEFAULTS } from './defaults.js';

export const RESIDENT_ID_STORAGE = ['encrypted', 'none'] as const;
export type ResidentIdStorage = (typeof RESIDENT_ID_STORAGE)[number];

export interface PersonsConfig {
  /** Federation pseudonym keys, the current key first; empty: clear numbers are refused. */
  readonly pseudonymKeys: readonly { readonly id: string; readonly file: string }[];
  /** encrypted: the clear number is kept sealed under encryptionKeyFile; none: not kept at all. */
  readonly residentIdStorage: ResidentIdStorage;
  readonly encryptionKeyFile?: string;
  readonly mask: { readonly keepFirst: number; readonly keepLast: number };
}

/** Reads a setting (environment first) and resolves a path from it (see parseConfig). */
export interface SettingAccess {
  get(dotted: string): unknown;
  resolvePath(dotted: string, value: string): string;
}

const MAX_KEEP = 18;

/**
 * Parses `persons`, adding every problem found to `problems`.
 * `persons.pseudonymKeys` from the environment (CREDFED_PERSONS_PSEUDONYM_KEYS)
 * is written `id=file,id=file`.
 */
export function parsePersonsConfig(s: SettingAccess, problems: string[]): PersonsConfig {
  const keys = parseKeys(s, problems);
  const storageRaw = s.get('persons.residentIdStorage') ?? DEFAULTS.persons.residentIdStorage;
  const residentIdStorage = RESIDENT_ID_STORAGE.includes(storageRaw as ResidentIdStorage) ? (storageRaw as ResidentIdStorage) : undefined;
  if (!residentIdStorage) problems.push(`persons.residentIdStorage: ${JSON.stringify(storageRaw)} is not one of ${RESIDENT_ID_STORAGE.join(', ')}`);
  const encRaw = s.get('persons.encryptionKeyFile');
  let encryptionKeyFile: string | undefined;
  if (encRaw !== undefined && encRaw !== null && encRaw !== '') {
    if (typeof encRaw !== 'string') problems.push('persons.encryptionKeyFile: expected a file name');
    else {
      encryptionKeyFile = s.resolvePath('persons.encryptionKeyFile', encRaw);
      const read = readKeyFile(encryptionKeyFile);
      if (read.error) problems.push(`persons.encryptionKeyFile: ${read.error}`);
    }
  } else if (residentIdStorage === 'encrypted' && keys.length > 0) {
    problems.push('persons.encryptionKeyFile: required when persons.residentIdStorage is encrypted (the default) and pseudonym keys are configured; or set residentIdStorage: none');
  }
  const keep = (name: 'keepFirst' | 'keepLast'): number => {
    const v = s.get(`persons.mask.${name}`) ?? DEFAULTS.persons.mask[name];
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_KEEP) {
      problems.push(`persons.mask.${name}: expected a whole number from 0 to ${MAX_KEEP}, found ${JSON.stringify(v)}`);
      return DEFAULTS.persons.mask[name];
    }
    return n;
  };
  const mask = { keepFirst: keep('keepFirst'), keepLast: keep('keepLast') };
  if (mask.keepFirst + mask.keepLast >= MAX_KEEP) {
    problems.push(`persons.mask: keepFirst + keepLast (${mask.keepFirst + mask.keepLast}) must be less than ${MAX_KEEP}, or the whole number is shown`);
  }
  return { pseudonymKeys: keys, residentIdStorage: residentIdStorage ?? 'encrypted', encryptionKeyFile, mask };
}

function parseKeys(s: SettingAccess, problems: string[]): { id: string; file: string }[] {
  let raw = s.get('persons.pseudonymKeys');
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') {
    raw = raw.split(',').filter((part) => part.trim() !== '').map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? { id: part.trim() } : { id: part.slice(0, at).trim(), file: part.slice(at + 1).trim() };
    });
  }
  if (!Array.isArray(raw)) return (problems.push('persons.pseudonymKeys: expected a list of { id, file }'), []);
  const seen = new Set<string>();
  return raw.flatMap((k, i) => {
    const at = `persons.pseudonymKeys[${i}]`;
    if (typeof k !== 'object' || k === null) return (problems.push(`${at}: expected { id, file }`), []);
    const { id, file } = k as { id?: unknown; file?: unknown };
    let ok = true;
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      problems.push(`${at}.id: ${JSON.stringify(id)} must be 1-32 letters, digits, '.', '_' or '-'`);
      ok = false;
    } else if (seen.has(id)) {
      problems.push(`${at}.id: "${id}" is listed twice`);
      ok = false;
    } else seen.add(id);
    if (typeof file !== 'string' || file === '') return (problems.push(`${at}.file: required`), []);
    const resolved = s.resolvePath('persons.pseudonymKeys', file);
    const read = readKeyFile(resolved);
    if (read.error) {
      problems.push(`${at}.file: ${read.error}`);
      ok = false;
    }
    return ok ? [{ id: id as string, file: resolved }] : [];
  });
}
