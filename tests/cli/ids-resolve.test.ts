// `credfed ids resolve` and `credfed ids conflicts` through the real binary on
// a store holding records from three partners: look-up by any identifier as
// typed, text and JSON, paging, refusals with reasons, the review queue and a
// decision recorded with the actor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credfed, type Run } from '../helpers/cli-run.js';
import { legalPerson, ORG, recordAbout, REGNO, storeDelivered, USCC } from '../helpers/graph-records.js';
import { newRegNo, newUscc } from '../helpers/id-codes.js';
import { createTestStoreConfig, writeStoreOnlyConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

const ME = `cli:${os.userInfo().username}`;

describe('credfed ids resolve / conflicts: help and usage', () => {
  it.concurrent.each(['resolve', 'conflicts'])('ids %s --help exits 0 with EXAMPLES', async (verb) => {
    const r = await credfed(['ids', verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: credfed ids ${verb}`);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it.concurrent.each([
    ['no identifier', ['ids', 'resolve', '-c', 'x.yaml']],
    ['two identifiers', ['ids', 'resolve', 'a', 'b', '-c', 'x.yaml']],
    ['an unknown scheme', ['ids', 'resolve', 'a', '--scheme', 'passport', '-c', 'x.yaml']],
    ['--accept without --conflict', ['ids', 'resolve', 'a', '--accept', '-c', 'x.yaml']],
    ['--conflict without a decision', ['ids', 'resolve', '--conflict', '1', '--reason', 'r', '-c', 'x.yaml']],
    ['--conflict with both decisions', ['ids', 'resolve', '--conflict', '1', '--accept', '--reject', '--reason', 'r', '-c', 'x.yaml']],
    ['--conflict without a reason', ['ids', 'resolve', '--conflict', '1', '--reject', '-c', 'x.yaml']],
    ['--conflict that is not an id', ['ids', 'resolve', '--conflict', '1;DROP', '--reject', '--reason', 'r', '-c', 'x.yaml']],
    ['an unknown status', ['ids', 'conflicts', '--status', 'closed', '-c', 'x.yaml']],
  ])('%s exits 2 with the usage on stderr', async (_what, args) => {
    const r = await credfed(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Usage: credfed ids ${args[1]}`);
    expect(r.stdout).toBe('');
  });
});

describe('credfed ids resolve / conflicts on a node store', () => {
  let storeConfig: TestStoreConfig;
  let configFile: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-ids-cli-'));
  const [u1, u2, r] = [newUscc(), newUscc(), newRegNo()];
  const org1 = u1.slice(8, 17);

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    configFile = writeStoreOnlyConfig(path.join(tmp, 'city.yaml'), storeConfig);
    await storeDelivered(storeConfig, 'county-a', [recordAbout('county-a', 'A-1', legalPerson('沈阳甲科技有限公司', [ORG, org1]))]);
    await storeDelivered(storeConfig, 'county-b', [
      recordAbout('county-b', 'B-1', legalPerson('沈阳甲科技有限公司', [USCC, u1], [REGNO, r])),
      recordAbout('county-b', 'B-2', legalPerson('沈阳甲科技有限公司', [USCC, u1])),
    ]);
    await storeDelivered(storeConfig, 'county-c', [recordAbout('county-c', 'C-1', legalPerson('本溪乙商贸有限公司', [USCC, u2], [REGNO, r]))]);
  }, 120_000);
  afterAll(async () => {
    await storeConfig?.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const ids = (...args: string[]) => credfed(['ids', ...args, '--config', configFile]);
  const json = (run: Run) => {
    expect(run.stderr).not.toContain('unexpected error');
    return JSON.parse(run.stdout);
  };

  it('resolve prints the subject found through a legacy code as typed, its identifiers and all its records', async () => {
    const run = await ids('resolve', `${org1.slice(0, 8).toLowerCase()}-${org1[8]}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`identifier:     org ${org1}`);
    expect(run.stdout).toContain('沈阳甲科技有限公司');
    expect(run.stdout).toMatch(/registration:\s+9 工商, type 91 企业/);
    expect(run.stdout).toMatch(/division:\s+210100 \(辽宁省; routing hint\)/);
    expect(run.stdout).toMatch(new RegExp(`uscc\\s+${u1}\\s+county-b`));
    expect(run.stdout).toMatch(/open conflicts: 1/);
    for (const id of ['A-1', 'B-1', 'B-2']) expect(run.stdout).toContain(id);
    expect(run.stdout).not.toContain('C-1');
  });

  it('resolve --json pages the records', async () => {
    const first = json(await ids('resolve', u1, '--json', '--page-size', '2'));
    expect(first.identifier).toEqual({ scheme: 'uscc', normalized: u1 });
    expect(first.subject.identifiers).toEqual(expect.arrayContaining([{ scheme: 'org_code', value: org1, source: 'county-a' }]));
    expect(first.records.map((x: { recordId: string }) => x.recordId)).toEqual(['A-1', 'B-1']);
    const second = json(await ids('resolve', u1, '--json', '--page-size', '2', '--page-token', first.nextPageToken));
    expect(second.records.map((x: { recordId: string }) => x.recordId)).toEqual(['B-2']);
    expect(second.nextPageToken).toBeNull();
  });

  it.each([
    ['an unknown identifier', () => newUscc(), 'SUBJECT_NOT_FOUND'],
    ['a wrong check character', () => `${u1.slice(0, 17)}${u1[17] === '0' ? '1' : '0'}`, 'IDENTIFIER_INVALID'],
    ['SQL metacharacters', () => "' OR 1=1; --", 'IDENTIFIER_INVALID'],
    ['a resident identity number with no pseudonym key configured', () => '11010519491231002X', 'PSEUDONYM_KEY_MISSING'],
  ])('resolve refuses %s: exit 1 and the reason on stderr', async (_what, value, reason) => {
    const run = await ids('resolve', value());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(reason);
    expect(run.stderr).not.toContain('11010519491231002X');
    expect(run.stdout).toBe('');
  });

  it('conflicts lists the refused link; a decision records the actor and reason and leaves the queue', async () => {
    const listed = await ids('conflicts');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('legacy_two_usccs');
    expect(listed.stdout).toContain('county-c/C-1');
    const [conflict] = json(await ids('conflicts', '--json')).conflicts;
    expect(conflict).toMatchObject({ kind: 'legacy_two_usccs', identifier: { scheme: 'registration_number', value: r }, proposed: { scheme: 'uscc', value: u2 }, status: 'open' });

    const decided = await ids('resolve', '--conflict', String(conflict.conflictId), '--reject', '--reason', 'different companies');
    expect(decided.code).toBe(0);
    expect(decided.stdout).toContain(`conflict ${conflict.conflictId} rejected`);
    const again = await ids('resolve', '--conflict', String(conflict.conflictId), '--accept', '--reason', 'oops');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('CONFLICT_DECIDED');

    const open = await ids('conflicts');
    expect(open.stderr).toContain('no open identifier conflicts');
    const rejected = json(await ids('conflicts', '--status', 'rejected', '--json')).conflicts;
    expect(rejected).toEqual([expect.objectContaining({ conflictId: conflict.conflictId, decidedBy: ME, decisionReason: 'different companies' })]);
    // Rejected: the registration number stays with the first USCC.
    expect(json(await ids('resolve', r, '--scheme', 'regno', '--json')).subject.identifiers).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: u1 })]),
    );
  });
});
