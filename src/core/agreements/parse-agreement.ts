/**
 * Agreement documents (YAML or JSON) parsed into the frozen Agreement value.
 * Every problem is collected — unknown keys, missing or mistyped settings,
 * unknown names, contradictions — each naming its path, so an admin fixes a
 * document in one pass; nothing partial is ever returned.
 */
import YAML from 'yaml';
import { err, ok, type Result } from '../result.js';
import { shanghaiDate } from '../lifecycle/publicity.js';
import {
  CATEGORY_NAMES,
  DIRECTIONS,
  DISCLOSURE_NAMES,
  PARTY_GROUPS,
  PURPOSES,
  type Agreement,
  type FieldRule,
} from './agreement.js';
import { isFieldPath } from './field-rules.js';

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const TOP_KEYS = ['agreement', 'title', 'parties', 'valid', 'directions', 'categories', 'disclosure', 'purposes', 'quotas', 'fields', 'personIds', 'thirdParty'];

export interface ParseOptions {
  /** Partner ids of the registry: others named in `parties` are problems. */
  readonly knownPartners?: ReadonlySet<string>;
}

/** Parses a document's text (YAML; JSON is YAML). */
export function parseAgreement(text: string, opts: ParseOptions = {}): Result<Agreement, string[]> {
  let docs: YAML.Document[];
  try {
    docs = YAML.parseAllDocuments(text) as YAML.Document[];
  } catch (e) {
    return err([`document: ${(e as Error).message}`]);
  }
  if (docs.length !== 1) return err([`document: expected exactly one document, found ${docs.length}`]);
  const doc = docs[0]!;
  if (doc.errors.length > 0) return err(doc.errors.map((e) => `document: ${e.message.split('\n')[0]}`));
  return agreementFromObject(doc.toJS(), opts);
}

/** Checks a document already read (e.g. inlined in the node configuration). */
export function agreementFromObject(raw: unknown, opts: ParseOptions = {}): Result<Agreement, string[]> {
  const p = new Problems();
  if (!isMap(raw)) return err(['document: expected a mapping of settings']);
  p.unknownKeys('', raw, TOP_KEYS);
  const id = p.text('agreement', raw.agreement, true);
  if (id !== undefined && !ID.test(id)) p.add('agreement', `"${id}" is not an id (lower-case letters, digits, "-" and "_", at most 64)`);
  const title = p.text('title', raw.title, false);

  const parties = { partners: [] as string[], groups: [] as string[], exclude: [] as string[] };
  if (raw.parties === undefined) p.add('parties', 'is required');
  else if (!isMap(raw.parties)) p.add('parties', 'expected a mapping with partners, groups and exclude');
  else {
    p.unknownKeys('parties.', raw.parties, ['partners', 'groups', 'exclude']);
    parties.partners = p.names('parties.partners', raw.parties.partners, false, (v) => (PARTNER_ID.test(v) ? undefined : 'is not a partner id'));
    parties.groups = p.names('parties.groups', raw.parties.groups, false, known('group', PARTY_GROUPS));
    parties.exclude = p.names('parties.exclude', raw.parties.exclude, false, (v) => (PARTNER_ID.test(v) ? undefined : 'is not a partner id'));
    if (parties.partners.length === 0 && parties.groups.length === 0) p.add('parties', 'names no partner and no group');
    for (const x of parties.exclude) if (parties.partners.includes(x)) p.add('parties.exclude', `"${x}" is both a party and excluded`);
    if (opts.knownPartners) {
      for (const [at, list] of [['parties.partners', parties.partners], ['parties.exclude', parties.exclude]] as const) {
        for (const x of list) if (!opts.knownPartners.has(x)) p.add(at, `unknown partner "${x}" (not in the registry)`);
      }
    }
  }

  let validFrom: Date | undefined;
  let validUntil: Date | undefined;
  if (raw.valid === undefined) p.add('valid', 'is required (from, until)');
  else if (!isMap(raw.valid)) p.add('valid', 'expected a mapping with from and until');
  else {
    p.unknownKeys('valid.', raw.valid, ['from', 'until']);
    validFrom = p.instant('valid.from', raw.valid.from, 'start');
    validUntil = p.instant('valid.until', raw.valid.until, 'end');
    if (validFrom && validUntil && validFrom >= validUntil) p.add('valid', 'from must be before until');
  }

  const directions = p.names('directions', raw.directions, true, known('direction', DIRECTIONS));
  let categories = p.names('categories', raw.categories, true, (v) => (v === 'all' ? undefined : known('category', CATEGORY_NAMES)(v)));
  if (categories.includes('all')) {
    if (categories.length > 1) p.add('categories', '"all" stands alone');
    categories = [...CATEGORY_NAMES];
  }
  const disclosure = p.names('disclosure', raw.disclosure, true, known('disclosure class', DISCLOSURE_NAMES));
  const purposes = p.names('purposes', raw.purposes, false, known('purpose', PURPOSES));
  if (directions.includes('query') && purposes.length === 0 && raw.purposes === undefined) p.add('purposes', 'are required when "query" is a direction');
  else if (directions.includes('query') && purposes.length === 0) p.add('purposes', 'must list at least one purpose when "query" is a direction');
  if (!directions.includes('query') && purposes.length > 0 && directions.length > 0) p.add('purposes', 'are given but "query" is not a direction');

  const quotas: { perMinute?: number; perDay?: number } = {};
  if (raw.quotas !== undefined) {
    if (!isMap(raw.quotas)) p.add('quotas', 'expected a mapping with perMinute and perDay');
    else {
      p.unknownKeys('quotas.', raw.quotas, ['perMinute', 'perDay']);
      for (const k of ['perMinute', 'perDay'] as const) {
        const v = raw.quotas[k];
        if (v === undefined) continue;
        if (!Number.isSafeInteger(v) || (v as number) < 1) p.add(`quotas.${k}`, `expected a positive whole number, found ${JSON.stringify(v)}`);
        else quotas[k] = v as number;
      }
      if (quotas.perMinute !== undefined && quotas.perDay !== undefined && quotas.perMinute > quotas.perDay) p.add('quotas', 'perMinute exceeds perDay');
    }
  }

  const fields: FieldRule[] = [];
  if (raw.fields !== undefined) {
    if (!Array.isArray(raw.fields)) p.add('fields', 'expected a list of { field, action }');
    else
      raw.fields.forEach((rule: unknown, i: number) => {
        const at = `fields[${i}]`;
        if (!isMap(rule)) return p.add(at, 'expected { field, action }');
        p.unknownKeys(`${at}.`, rule, ['field', 'action']);
        const field = p.text(`${at}.field`, rule.field, true);
        const action = p.text(`${at}.action`, rule.action, true);
        if (field !== undefined && !isFieldPath(field)) p.add(`${at}.field`, `unknown field "${field}"`);
        if (action !== undefined && action !== 'drop' && action !== 'mask') p.add(`${at}.action`, `"${action}" is not drop or mask`);
        if (field !== undefined && fields.some((f) => f.field === field)) p.add(`${at}.field`, `"${field}" has a rule already`);
        else if (field !== undefined && (action === 'drop' || action === 'mask')) fields.push(Object.freeze({ field, action }));
      });
  }

  const personIds = raw.personIds ?? 'masked';
  if (personIds !== 'masked' && personIds !== 'clear') p.add('personIds', `expected masked or clear, found ${JSON.stringify(personIds)}`);
  const thirdParty = raw.thirdParty ?? false;
  if (typeof thirdParty !== 'boolean') p.add('thirdParty', 'expected true or false');

  if (p.list.length > 0 || id === undefined || !validFrom || !validUntil) return err(p.list.length > 0 ? p.list : ['document: incomplete']);
  return ok(
    Object.freeze({
      id,
      ...(title !== undefined ? { title } : {}),
      parties: Object.freeze({ partners: frozen(parties.partners), groups: frozen(parties.groups) as Agreement['parties']['groups'], exclude: frozen(parties.exclude) }),
      validFrom,
      validUntil,
      directions: frozen(directions) as Agreement['directions'],
      categories: frozen(categories) as Agreement['categories'],
      disclosure: frozen(disclosure) as Agreement['disclosure'],
      purposes: frozen(purposes) as Agreement['purposes'],
      quotas: Object.freeze(quotas),
      fields: Object.freeze(fields),
      personIds: personIds as Agreement['personIds'],
      thirdParty: thirdParty as boolean,
    }),
  );
}

/** The canonical document of an agreement (dates as RFC 3339 in +08:00): parsing it gives the same agreement. */
export function agreementToDocument(a: Agreement): Record<string, unknown> {
  return {
    agreement: a.id,
    ...(a.title !== undefined ? { title: a.title } : {}),
    parties: { partners: [...a.parties.partners], groups: [...a.parties.groups], exclude: [...a.parties.exclude] },
    valid: { from: shanghai(a.validFrom), until: shanghai(a.validUntil) },
    directions: [...a.directions],
    categories: [...a.categories],
    disclosure: [...a.disclosure],
    purposes: [...a.purposes],
    quotas: { ...a.quotas },
    fields: a.fields.map((f) => ({ ...f })),
    personIds: a.personIds,
    thirdParty: a.thirdParty,
  };
}

function shanghai(d: Date): string {
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

const frozen = <T>(xs: T[]): readonly T[] => Object.freeze([...xs]);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function known(what: string, names: readonly string[]) {
  return (v: string) => (names.includes(v) ? undefined : `unknown ${what} "${v}" (known: ${names.join(', ')})`);
}

class Problems {
  readonly list: string[] = [];

  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`);
  }

  unknownKeys(prefix: string, m: Record<string, unknown>, keys: readonly string[]): void {
    for (const k of Object.keys(m)) if (!keys.includes(k)) this.add(`${prefix}${k}`, `unknown setting (known: ${keys.join(', ')})`);
  }

  text(path: string, v: unknown, required: boolean): string | undefined {
    if (v === undefined || v === null) {
      if (required) this.add(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(path, `expected text, found ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  /** A list of names, each checked; duplicates are problems; the result keeps document order. */
  names(path: string, v: unknown, required: boolean, check: (name: string) => string | undefined): string[] {
    if (v === undefined || v === null) {
      if (required) this.add(path, 'is required');
      return [];
    }
    if (!Array.isArray(v)) {
      this.add(path, 'expected a list');
      return [];
    }
    if (required && v.length === 0) this.add(path, 'must not be empty');
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string') return this.add(`${path}[${i}]`, `expected a name, found ${JSON.stringify(item)}`);
      const problem = check(item);
      if (problem) return this.add(`${path}[${i}]`, problem);
      if (out.includes(item)) return this.add(`${path}[${i}]`, `"${item}" is listed twice`);
      out.push(item);
    });
    return out;
  }

  /** A calendar date (Asia/Shanghai: the day's start, or for `end` the next day's start) or an RFC 3339 timestamp. */
  instant(path: string, v: unknown, edge: 'start' | 'end'): Date | undefined {
    if (v instanceof Date) return v;
    if (v === undefined || v === null) {
      this.add(path, 'is required');
      return undefined;
    }
    const s = String(v);
    if (DATE.test(s)) {
      const d = new Date(`${s}T00:00:00+08:00`);
      if (Number.isNaN(d.getTime()) || shanghaiDate(d.getTime()) !== s) {
        this.add(path, `"${s}" is not a calendar date`);
        return undefined;
      }
      return edge === 'end' ? new Date(d.getTime() + 86_400_000) : d;
    }
    if (TIMESTAMP.test(s) && !Number.isNaN(new Date(s).getTime())) return new Date(s);
    this.add(path, `expected a date (YYYY-MM-DD, Asia/Shanghai) or an RFC 3339 timestamp, found ${JSON.stringify(v)}`);
    return undefined;
  }
}
