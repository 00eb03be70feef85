// Deciding partner calls and records under an agreement (src/core/agreements/evaluate.ts).
import { describe, expect, it } from 'vitest';
import type { Agreement, AgreementInForce } from '../../../src/core/agreements/agreement.js';
import { decideCall, msUntilEnd, purposeName, refuseRecord, visibilityOf } from '../../../src/core/agreements/evaluate.js';

const agreement: Agreement = {
  id: 'city-b-2026',
  parties: { partners: ['city-b'], groups: [], exclude: [] },
  validFrom: new Date('2026-01-01T00:00:00+08:00'),
  validUntil: new Date('2027-01-01T00:00:00+08:00'),
  directions: ['query'],
  categories: ['administrative_penalty', 'dishonesty_list'],
  disclosure: ['public'],
  purposes: ['bidding_review'],
  quotas: {},
  fields: [],
  personIds: 'masked',
  thirdParty: false,
};
const inForce: AgreementInForce = { agreement, version: 3 };
const mid = new Date('2026-06-01T00:00:00Z');

describe('decideCall', () => {
  it.each([
    ['no agreement', undefined, { direction: 'query' as const }, mid, 'AGREEMENT_MISSING'],
    ['before validFrom', inForce, { direction: 'query' as const }, new Date('2025-12-31T15:59:59Z'), 'AGREEMENT_NOT_IN_FORCE'],
    ['at validUntil', inForce, { direction: 'query' as const }, new Date('2026-12-31T16:00:00Z'), 'AGREEMENT_EXPIRED'],
    ['a direction not listed', inForce, { direction: 'push' as const }, mid, 'DIRECTION_NOT_ALLOWED'],
    ['no purpose stated', inForce, { direction: 'query' as const, purposeRequired: true }, mid, 'PURPOSE_NOT_ALLOWED'],
    ['a purpose not listed', inForce, { direction: 'query' as const, purpose: 'financing' as const, purposeRequired: true }, mid, 'PURPOSE_NOT_ALLOWED'],
  ])('refuses %s', (_what, given, need, now, code) => {
    expect(decideCall(given, 'city-b', need, now)?.code).toBe(code);
  });

  it('allows a listed direction and purpose inside the window, from its first instant', () => {
    expect(decideCall(inForce, 'city-b', { direction: 'query', purpose: 'bidding_review', purposeRequired: true }, mid)).toBeUndefined();
    expect(decideCall(inForce, 'city-b', { direction: 'query', purpose: 'bidding_review' }, new Date('2025-12-31T16:00:00Z'))).toBeUndefined();
  });

  it('allows a call that needs no direction while the agreement is in force, and nothing once it expired', () => {
    expect(decideCall(inForce, 'city-b', {}, mid)).toBeUndefined();
    expect(decideCall(inForce, 'city-b', {}, new Date('2027-06-01T00:00:00Z'))?.code).toBe('AGREEMENT_EXPIRED');
  });

  it('counts the time left', () => {
    expect(msUntilEnd(inForce, new Date('2026-12-31T15:59:59Z'))).toBe(1000);
    expect(msUntilEnd(inForce, new Date('2027-06-01T00:00:00Z'))).toBe(0);
  });
});

describe('refuseRecord', () => {
  it.each([
    ['a category not covered', { category: 1, disclosure: 1, originId: 'city-b' }, 'CATEGORY_NOT_ALLOWED'],
    ['an unknown category', { category: 0, disclosure: 1, originId: 'city-b' }, 'CATEGORY_NOT_ALLOWED'],
    ['a disclosure class not allowed', { category: 2, disclosure: 2, originId: 'city-b' }, 'DISCLOSURE_NOT_ALLOWED'],
    ['a third-party record', { category: 3, disclosure: 1, originId: 'county-x' }, 'RECORD_ORIGIN_MISMATCH'],
  ])('refuses %s', (_what, record, reason) => {
    expect(refuseRecord(agreement, record, ['city-b'])?.reason).toBe(reason);
  });

  it('lets a covered record of either side through, and third-party ones when allowed', () => {
    expect(refuseRecord(agreement, { category: 2, disclosure: 1, originId: 'city-b' }, ['city-b', 'city'])).toBeUndefined();
    expect(refuseRecord(agreement, { category: 2, disclosure: 1, originId: 'city' }, ['city-b', 'city'])).toBeUndefined();
    expect(refuseRecord({ ...agreement, thirdParty: true }, { category: 2, disclosure: 1, originId: 'county-x' }, ['city-b'])).toBeUndefined();
  });
});

describe('contract values', () => {
  it('maps the agreement to the enum values the store filters on', () => {
    expect(visibilityOf(agreement)).toEqual({ categories: [2, 3], disclosures: [1], thirdParty: false });
  });

  it('names purposes by their contract value', () => {
    expect(purposeName(1)).toBe('bidding_review');
    expect(purposeName(5)).toBe('joint_punishment');
    expect(purposeName(0)).toBeUndefined();
    expect(purposeName(6)).toBeUndefined();
  });
});
