/** What changed between two agreements, setting by setting, in document order. Lists of names compare as sets; field rules as lists. */
import type { Agreement } from './agreement.js';
import { agreementToDocument } from './parse-agreement.js';

export interface AgreementDifference {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const SET_PATHS = new Set(['parties.partners', 'parties.groups', 'parties.exclude', 'directions', 'categories', 'disclosure', 'purposes']);

export function diffAgreements(a: Agreement, b: Agreement): AgreementDifference[] {
  const out: AgreementDifference[] = [];
  walk(agreementToDocument(a), agreementToDocument(b), '', out);
  return out;
}

function walk(x: Record<string, unknown>, y: Record<string, unknown>, prefix: string, out: AgreementDifference[]): void {
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  for (const k of keys) {
    const path = `${prefix}${k}`;
    const before = x[k];
    const after = y[k];
    if (isMap(before) && isMap(after) && path !== 'fields') walk(before, after, `${path}.`, out);
    else if (!same(path, before, after)) out.push({ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  }
}

function same(path: string, a: unknown, b: unknown): boolean {
  if (SET_PATHS.has(path) && Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v) => b.includes(v));
  return JSON.stringify(a) === JSON.stringify(b);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
