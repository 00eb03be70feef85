// The rules of objections and feedback (pure): what a filing and a report
// must hold (the field at fault named), the version marking a record
// disputed, and the version carrying an outcome.
import { describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { checkFeedbackAsk, checkMessageId, checkObjectionAsk, disputedVersion, resolvingVersion, type Resolution } from '../../../src/core/objections/objection-rules.js';
import { ObjectionOutcome, RecordStatus } from '../../../src/gen/credfed/v1/record.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';

const refusal = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    return { code: (e as CredfedError).code, message: (e as Error).message };
  }
  return { code: 'none', message: '' };
};
const record = recordOf(enterprise('沈阳示例有限公司', '91210102MA0TEST00X'), { origin: 'county-a', id: 'd-1', kind: 'dishonesty' });
const ID = '2f0c6a52-7e1d-4c1b-9d43-5c3f1b2ae91a';
const ask = { originId: 'county-a', recordId: 'd-1', complainant: '张三', reason: '已履行' };

describe('objection rules', () => {
  it('a filing needs a record id and a reason; lengths are bounded', () => {
    expect(refusal(() => checkObjectionAsk(ask, { originRequired: true })).code).toBe('none');
    expect(refusal(() => checkObjectionAsk({ ...ask, originId: '' }, { originRequired: false })).code).toBe('none');
    for (const [bad, field] of [
      [{ ...ask, recordId: ' ' }, 'record_id'],
      [{ ...ask, originId: '' }, 'origin_id'],
      [{ ...ask, reason: '' }, 'reason'],
      [{ ...ask, reason: 'x'.repeat(501) }, 'reason'],
      [{ ...ask, complainant: 'x'.repeat(201) }, 'complainant'],
    ] as const) {
      const r = refusal(() => checkObjectionAsk(bad, { originRequired: true }));
      expect(r.code).toBe('OBJECTION_INVALID');
      expect(r.message).toContain(`${field}:`);
    }
    expect(refusal(() => checkMessageId('OBJECTION_INVALID', 'objection_id', 'x')).code).toBe('OBJECTION_INVALID');
    expect(refusal(() => checkMessageId('OBJECTION_INVALID', 'objection_id', ID)).code).toBe('none');
  });

  it('feedback: measure required, applied on a real date not in the future (default today)', () => {
    const fb = { originId: 'county-a', recordId: 'd-1', measure: '限制参加政府采购', appliedOn: '' };
    expect(checkFeedbackAsk(fb, '2026-12-05')).toBe('2026-12-05');
    expect(checkFeedbackAsk({ ...fb, appliedOn: '2026-12-01' }, '2026-12-05')).toBe('2026-12-01');
    for (const bad of [{ ...fb, measure: '' }, { ...fb, originId: '' }, { ...fb, appliedOn: '2026-02-30' }, { ...fb, appliedOn: '2026-12-06' }]) {
      expect(refusal(() => checkFeedbackAsk(bad, '2026-12-05')).code).toBe('FEEDBACK_INVALID');
    }
  });

  it('marking disputed: the next version, naming the objection, no outcome yet', () => {
    const marked = disputedVersion({ ...record, version: 4 }, { objectionId: ID, reason: ' 已履行 ', filedAt: 'city-b', today: '2026-12-05' });
    expect(marked).toMatchObject({ version: 5, status: RecordStatus.RECORD_STATUS_DISPUTED });
    expect(marked.statusChange).toEqual({ previous: RecordStatus.RECORD_STATUS_ACTIVE, decidedOn: '2026-12-05', reason: '已履行', commitmentRef: '', decidedBy: 'objection/city-b', objectionId: ID, outcome: ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED });
  });

  it('resolving: upheld is active, revoked leaves, corrected needs a later version', () => {
    const held = { ...record, version: 2, status: RecordStatus.RECORD_STATUS_DISPUTED };
    const r: Resolution = { objectionId: ID, objectedVersion: 2, outcome: ObjectionOutcome.OBJECTION_OUTCOME_UPHELD, reason: '依据充分', decidedBy: 'admin/ops', today: '2026-12-05' };
    expect(resolvingVersion(held, r)).toMatchObject({ version: 3, status: RecordStatus.RECORD_STATUS_ACTIVE, statusChange: { previous: RecordStatus.RECORD_STATUS_DISPUTED, objectionId: ID, outcome: ObjectionOutcome.OBJECTION_OUTCOME_UPHELD } });
    expect(resolvingVersion(held, { ...r, outcome: ObjectionOutcome.OBJECTION_OUTCOME_REVOKED }).status).toBe(RecordStatus.RECORD_STATUS_REVOKED);
    const early = refusal(() => resolvingVersion(held, { ...r, outcome: ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED }));
    expect(early.code).toBe('RECORD_STATUS_REFUSED');
    expect(resolvingVersion({ ...held, version: 3 }, { ...r, outcome: ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED }).version).toBe(4);
    expect(refusal(() => resolvingVersion(held, { ...r, outcome: ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED })).code).toBe('OBJECTION_INVALID');
    expect(refusal(() => resolvingVersion(held, { ...r, reason: ' ' })).code).toBe('OBJECTION_INVALID');
    expect(refusal(() => resolvingVersion({ ...held, status: RecordStatus.RECORD_STATUS_REVOKED }, r)).code).toBe('RECORD_STATUS_REFUSED');
  });
});
