// The rules of credit repair and revocation at the origin (pure): who may,
// which records, from when, and the version that carries the change.
import { describe, expect, it } from 'vitest';
import { CredfedError, ERROR_CATALOGUE } from '../../../src/core/errors.js';
import { publicityLimits } from '../../../src/core/lifecycle/publicity.js';
import { addMonths, changeStatus, DEFAULT_REPAIR_MINIMUM, type StatusChangeAsk } from '../../../src/core/lifecycle/status-change.js';
import { RecordStatus, type CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { newUscc } from '../../helpers/id-codes.js';

const firm = enterprise('沈阳示例有限公司', newUscc());
const ctx = { nodeId: 'county-a', today: '2026-12-05', repairMinimum: publicityLimits(DEFAULT_REPAIR_MINIMUM) };
const repair: StatusChangeAsk = { status: RecordStatus.RECORD_STATUS_REPAIRED, reason: ' 整改完成 ', commitmentRef: 'CN-1', decidedOn: '', decidedBy: 'admin/ops' };
const revoke: StatusChangeAsk = { status: RecordStatus.RECORD_STATUS_REVOKED, reason: '撤销', commitmentRef: '', decidedOn: '2026-12-01', decidedBy: 'admin/ops' };

const penalty = (severity: number, decisionDate: string, extra: Partial<CreditRecord> = {}): CreditRecord => {
  const r = recordOf(firm, { origin: 'county-a', id: 'p-1', kind: 'penalty' });
  if (r.details?.$case !== 'penalty') throw new Error('a penalty');
  return { ...r, version: 3, decisionDate, details: { $case: 'penalty', value: { ...r.details.value, severity } }, ...extra };
};
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    // the code, and the detail that names the rule (after the catalogue's default text)
    if (e instanceof CredfedError) return `${e.code}: ${e.message.replace(`${ERROR_CATALOGUE[e.code].message}: `, '')}`;
    throw e;
  }
  return 'allowed';
};

describe('changeStatus', () => {
  it('a repair after the minimum publicity: the next version, REPAIRED, with what was decided', () => {
    const next = changeStatus(penalty(2, '2026-09-05'), repair, ctx);
    expect(next.version).toBe(4);
    expect(next.status).toBe(RecordStatus.RECORD_STATUS_REPAIRED);
    expect(next.statusChange).toEqual({ previous: RecordStatus.RECORD_STATUS_ACTIVE, decidedOn: '2026-12-05', reason: '整改完成', commitmentRef: 'CN-1', decidedBy: 'admin/ops', objectionId: '', outcome: 0 });
    expect(next.recordId).toBe('p-1');
  });

  it('the minimum publicity by severity: general 3 months, serious 12, none stated 12, minor at once; the first allowed day is named', () => {
    expect(codeOf(() => changeStatus(penalty(2, '2026-09-06'), repair, ctx))).toBe(
      'RECORD_STATUS_REFUSED: record county-a/p-1 (administrative_penalty, decided 2026-09-06) may be repaired from 2026-12-06, after its minimum publicity of 3 months',
    );
    expect(codeOf(() => changeStatus(penalty(3, '2025-12-06'), repair, ctx))).toMatch(/^RECORD_STATUS_REFUSED: .*from 2026-12-06, after its minimum publicity of 12 months/);
    expect(codeOf(() => changeStatus(penalty(3, '2025-12-05'), repair, ctx))).toBe('allowed');
    expect(codeOf(() => changeStatus(penalty(0, '2026-06-01'), repair, ctx))).toMatch(/12 months/);
    expect(codeOf(() => changeStatus(penalty(1, '2026-12-05'), repair, ctx))).toBe('allowed');
    const listed = { ...recordOf(firm, { origin: 'county-a', id: 'd-1', kind: 'dishonesty' }), decisionDate: '2026-01-01' };
    expect(codeOf(() => changeStatus(listed, repair, ctx))).toMatch(/from 2027-01-01/);
  });

  it('only the origin, only a record in force, only a negative record is repaired; a disputed one may be', () => {
    expect(codeOf(() => changeStatus({ ...penalty(1, '2026-11-01'), originId: 'county-b' }, repair, ctx))).toMatch(/^NOT_ORIGIN: record county-b\/p-1 originated at "county-b"/);
    expect(codeOf(() => changeStatus(penalty(1, '2026-11-01', { status: RecordStatus.RECORD_STATUS_EXPIRED }), revoke, ctx))).toBe('RECORD_STATUS_REFUSED: record county-a/p-1 is expired, no longer in force');
    expect(codeOf(() => changeStatus(penalty(1, '2026-11-01', { status: RecordStatus.RECORD_STATUS_DISPUTED }), repair, ctx))).toBe('allowed');
    const licence = recordOf(firm, { origin: 'county-a', id: 'l-1', kind: 'licence' });
    expect(codeOf(() => changeStatus(licence, repair, ctx))).toMatch(/^RECORD_STATUS_REFUSED: .* is a administrative_licence: only negative records are repaired/);
    expect(changeStatus({ ...licence, decisionDate: '2026-11-01' }, revoke, ctx).status).toBe(RecordStatus.RECORD_STATUS_REVOKED);
  });

  it('the request: status, reason, commitment, decision date (real, not in the future, not before the decision)', () => {
    const p = penalty(1, '2026-11-01');
    expect(codeOf(() => changeStatus(p, { ...revoke, status: RecordStatus.RECORD_STATUS_EXPIRED }, ctx))).toBe('ADMIN_REQUEST_INVALID: status: expected REPAIRED or REVOKED');
    expect(codeOf(() => changeStatus(p, { ...revoke, reason: '  ' }, ctx))).toMatch(/^ADMIN_REQUEST_INVALID: reason: required/);
    expect(codeOf(() => changeStatus(p, { ...revoke, reason: 'x'.repeat(501) }, ctx))).toBe('ADMIN_REQUEST_INVALID: reason: at most 500 characters');
    expect(codeOf(() => changeStatus(p, { ...repair, commitmentRef: '' }, ctx))).toMatch(/^ADMIN_REQUEST_INVALID: commitment_ref: a repair needs/);
    expect(codeOf(() => changeStatus(p, { ...revoke, commitmentRef: 'CN-1' }, ctx))).toBe('ADMIN_REQUEST_INVALID: commitment_ref: only a repair names a credit commitment');
    expect(codeOf(() => changeStatus(p, { ...revoke, decidedOn: '2026-02-30' }, ctx))).toMatch(/^ADMIN_REQUEST_INVALID: decided_on: .*not a real calendar date/);
    expect(codeOf(() => changeStatus(p, { ...revoke, decidedOn: '2026-12-06' }, ctx))).toBe('ADMIN_REQUEST_INVALID: decided_on: 2026-12-06 is in the future (today is 2026-12-05 in Asia/Shanghai)');
    expect(codeOf(() => changeStatus(p, { ...revoke, decidedOn: '2026-10-31' }, ctx))).toBe("ADMIN_REQUEST_INVALID: decided_on: 2026-10-31 is before the record's decision date 2026-11-01");
  });
});

describe('addMonths', () => {
  it('adds calendar months, clamping the day to the month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-09-05', 3)).toBe('2026-12-05');
    expect(addMonths('2025-12-06', 12)).toBe('2026-12-06');
    expect(addMonths('2026-05-15', 0)).toBe('2026-05-15');
  });
});
