// validatePartner (src/partners/validate-partner.ts): every rule, table-driven.
import { describe, expect, it } from 'vitest';
import { validateActor, validatePartner, validatePartnerId, validateReason } from '../../../src/partners/validate-partner.js';

const valid = { id: 'county-a', kind: 'child_county' };

describe('validatePartner', () => {
  it.each([
    ['the smallest definition; the name defaults to the id', valid, { id: 'county-a', displayName: 'county-a', kind: 'child_county' }],
    [
      'every field, trimmed',
      { id: 'benxi', displayName: '  本溪市信用平台 ', kind: 'peer_region', endpoint: ' benxi.example.cn:7400 ' },
      { id: 'benxi', displayName: '本溪市信用平台', kind: 'peer_region', endpoint: 'benxi.example.cn:7400' },
    ],
    ['an IPv6 endpoint', { ...valid, endpoint: '[::1]:7400' }, { ...valid, displayName: 'county-a', endpoint: '[::1]:7400' }],
    ['a two-character id', { id: 'a1', kind: 'admin' }, { id: 'a1', displayName: 'a1', kind: 'admin' }],
    ['a 63-character id', { id: `a${'-'.repeat(62)}`, kind: 'service_agency' }, { id: `a${'-'.repeat(62)}`, displayName: `a${'-'.repeat(62)}`, kind: 'service_agency' }],
    ['a 200-character name', { ...valid, displayName: '名'.repeat(200) }, { ...valid, displayName: '名'.repeat(200) }],
    [
      'a trust anchor with colons and capitals, stored bare lower-case',
      { ...valid, trustAnchor: 'AB:'.repeat(31) + 'AB' },
      { ...valid, displayName: 'county-a', trustAnchor: 'ab'.repeat(32) },
    ],
  ])('accepts %s', (_what, input, expected) => {
    expect(validatePartner(input)).toEqual({ value: expected });
  });

  it.each([
    ['a one-character id', { ...valid, id: 'a' }, ['id:']],
    ['a 64-character id', { ...valid, id: 'a'.repeat(64) }, ['id:']],
    ['upper case in the id', { ...valid, id: 'County-A' }, ['id:']],
    ['a leading hyphen', { ...valid, id: '-county' }, ['id:']],
    ['an underscore', { ...valid, id: 'county_a' }, ['id:']],
    ['no id', { kind: 'child_county' }, ['id:']],
    ["this node's own id", { ...valid, id: 'city' }, ['id:']],
    ['an unknown kind', { ...valid, kind: 'grand_city' }, ['kind:']],
    ['no kind', { id: 'county-a' }, ['kind:']],
    ['a blank name', { ...valid, displayName: '   ' }, ['name:']],
    ['a 201-character name', { ...valid, displayName: 'x'.repeat(201) }, ['name:']],
    ['a line break in the name', { ...valid, displayName: 'a\nb' }, ['name:']],
    ['an endpoint without port', { ...valid, endpoint: 'benxi.example.cn' }, ['endpoint:']],
    ['an endpoint with port 0', { ...valid, endpoint: '127.0.0.1:0' }, ['endpoint:']],
    ['an endpoint port out of range', { ...valid, endpoint: '127.0.0.1:70000' }, ['endpoint:']],
    ['an endpoint that is a URL', { ...valid, endpoint: 'https://benxi.example.cn:7400' }, ['endpoint:']],
    ['a short trust anchor', { ...valid, trustAnchor: 'abcd' }, ['trust anchor:']],
    ['several problems at once', { id: 'X', kind: 'x', endpoint: 'x' }, ['id:', 'kind:', 'endpoint:']],
  ])('refuses %s, naming the field', (_what, input, fields) => {
    const r = validatePartner(input, { nodeId: 'city' });
    expect(r.value).toBeUndefined();
    expect(r.error!.map((p) => p.slice(0, p.indexOf(':') + 1))).toEqual(fields);
  });
});

describe('validatePartnerId, validateActor, validateReason', () => {
  it('checks an id alone', () => {
    expect(validatePartnerId('county-a')).toEqual({ value: 'county-a' });
    expect(validatePartnerId('County').error).toMatch(/^id:/);
  });

  it.each([
    ['cli:alice', { value: 'cli:alice' }],
    [' config ', { value: 'config' }],
  ])('accepts the actor %j', (actor, expected) => expect(validateActor(actor)).toEqual(expected));

  it.each(['', '  ', 'a\tb', 'x'.repeat(201), undefined])('refuses the actor %j', (actor) => {
    expect(validateActor(actor).error).toMatch(/^actor:/);
  });

  it('a blank reason is no reason; a long one is refused', () => {
    expect(validateReason(undefined)).toEqual({ value: undefined });
    expect(validateReason('  ')).toEqual({ value: undefined });
    expect(validateReason(' key leaked ')).toEqual({ value: 'key leaked' });
    expect(validateReason('x'.repeat(1001)).error).toMatch(/^reason:/);
  });
});
