/**
 * Field rules of an agreement (`fields`): which text fields of a record (and
 * of its subject) a rule may name, and applying the rules to a record before
 * it is serialised for a partner. `drop` clears the field; `mask` keeps its
 * first and last character (code points) and stars the rest.
 */
import type { CreditRecord } from '../../gen/credfed/v1/record.js';
import type { FieldRule } from './agreement.js';

/** Text fields a rule may name: "<part>.<field>" in the contract's snake_case names. */
const FIELDS: Record<string, readonly string[]> = {
  subject: ['name', 'legal_representative'],
  authority: ['name', 'uscc'],
  data_source: ['name', 'uscc'],
  licence: ['decision_document_name', 'decision_document_number', 'certificate_name', 'licence_number', 'content', 'current_state'],
  penalty: ['decision_number', 'violation_type', 'violation_facts', 'legal_basis', 'penalty_types', 'content', 'fine_wan_yuan', 'confiscated_wan_yuan', 'suspended_licences'],
  dishonesty_list: ['list_name', 'legal_basis', 'measures'],
  dishonest_debtor: ['court', 'case_number', 'obligations', 'performance'],
  red_list: ['title'],
  key_attention: ['reason'],
  commitment: ['content'],
  evaluation: ['grade', 'scale'],
};

/** Every path a rule may name. */
export const FIELD_PATHS: readonly string[] = Object.entries(FIELDS).flatMap(([part, names]) => names.map((n) => `${part}.${n}`));

export function isFieldPath(path: string): boolean {
  return FIELD_PATHS.includes(path);
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** "张三丰" → "张*丰"; one or two characters are all stars. */
export function maskText(s: string): string {
  const chars = Array.from(s);
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

type Holder = Record<string, unknown>;

function ruled(holder: Holder | undefined, field: string, action: FieldRule['action']): Holder | undefined {
  if (!holder) return holder;
  const key = camel(field);
  const v = holder[key];
  if (typeof v === 'string') return { ...holder, [key]: action === 'drop' ? '' : maskText(v) };
  if (Array.isArray(v)) return { ...holder, [key]: action === 'drop' ? [] : v.map((x) => (typeof x === 'string' ? maskText(x) : x)) };
  return holder;
}

/** A new record with the rules applied (the input is not changed); rules for another category's details do nothing. */
export function applyFieldRules(record: CreditRecord, rules: readonly FieldRule[]): CreditRecord {
  let out = record;
  for (const { field, action } of rules) {
    const dot = field.indexOf('.');
    const part = field.slice(0, dot);
    const name = field.slice(dot + 1);
    if (part === 'subject' || part === 'authority' || part === 'data_source') {
      const key = camel(part) as 'subject' | 'authority' | 'dataSource';
      out = { ...out, [key]: ruled(out[key] as Holder | undefined, name, action) };
    } else if (out.details && out.details.$case === camel(part)) {
      out = { ...out, details: { ...out.details, value: ruled(out.details.value as unknown as Holder, name, action) } as unknown as CreditRecord['details'] };
    }
  }
  return out;
}
