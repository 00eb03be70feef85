// The real CLI as a child process (node bin/credfed.js): help, usage errors,
// configuration failures, and `import` of an NDJSON file into a fresh store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CreditRecord, type CreditRecord as Record_ } from '../../src/gen/credfed/v1/record.js';
import { SubjectKind } from '../../src/gen/credfed/v1/subject.js';
import { sampleRecord } from '../../src/sample/sample-records.js';
import { openStore } from '../../src/store/store.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { credfed, type Run } from '../helpers/cli-run.js';
import { testPersonsSection } from '../helpers/person-keys.js';

const NODE_ID = 'county-a';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a YAML file into the test's temp directory; returns its path. */
function writeYaml(name: string, doc: unknown): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

describe('credfed help and usage', () => {
  it('--help exits 0 and lists every command', async () => {
    const r = await credfed(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['serve', 'import', 'sync status', 'up']) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it.each(['serve', 'import', 'sync status', 'up'])('%s --help exits 0 with EXAMPLES', async (cmd) => {
    const r = await credfed([...cmd.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain(`Usage: credfed ${cmd}`);
  });

  it('an unknown command exits 2 with the usage on stderr', async () => {
    const r = await credfed(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frobnicate');
    expect(r.stdout).toBe('');
  });

  it('an unknown flag exits 2', async () => {
    expect((await credfed(['serve', '--config', 'x.yaml', '--no-such-flag'])).code).toBe(2);
  });

  it('serve without --config exits 2', async () => {
    const r = await credfed(['serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config');
  });

  it('import without a FILE exits 2', async () => {
    expect((await credfed(['import', '--config', 'x.yaml'])).code).toBe(2);
  });
});

describe('credfed serve: configuration failures', () => {
  it('a missing configuration file exits 1 with CONFIG_NOT_FOUND naming it', async () => {
    const missing = path.join(tmp, 'missing.yaml');
    const r = await credfed(['serve', '--config', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CONFIG_NOT_FOUND');
    expect(r.stderr).toContain(missing);
  });

  it('a file with several problems exits 1 and lists each of them', async () => {
    const file = writeYaml('several.yaml', {
      node: {},
      listen: 'localhost',
      tls: { ca: 'ca.crt', cert: 'a.crt' },
      log: { level: 'loud' },
      partners: [
        { id: 'city', kind: 'grand_city' },
        { id: 'county-b', kind: 'child_county' },
        { id: 'county-b', kind: 'child_county' },
        { id: 'parent', kind: 'parent_city' },
      ],
    });
    const r = await credfed(['serve', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CONFIG_INVALID');
    expect(r.stderr).toContain(file);
    for (const setting of ['node.id', 'listen', 'store', 'tls.key', 'log.level', 'partners[0].kind', 'partners[2].id', 'partners[3].endpoint']) {
      expect(r.stderr, setting).toContain(`- ${setting}:`);
    }
  });

  it('a missing tls.cert file fails naming it, before the store is opened', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'serve-'));
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'not a certificate\n');
    fs.writeFileSync(path.join(dir, 'node.key'), 'not a key\n');
    const missingCert = path.join(dir, 'node.crt');
    const dataDir = path.join(dir, 'data');
    const file = writeYaml('no-cert.yaml', {
      node: { id: NODE_ID },
      listen: '127.0.0.1:0',
      store: { dataDir },
      tls: { ca: path.join(dir, 'ca.crt'), cert: missingCert, key: path.join(dir, 'node.key') },
    });
    const r = await credfed(['serve', '--config', file]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain('CERT_FILE_MISSING');
    expect(r.stderr).toContain(missingCert);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});

describe('credfed import', () => {
  let storeConfig: TestStoreConfig;
  let configFile: string;
  const ndjson = path.join(tmp, 'records.ndjson');

  /** One line of the import file: a sample record of this node, in protobuf JSON. */
  const line = (r: Record_): string => JSON.stringify(CreditRecord.toJSON({ ...r, originId: NODE_ID }));
  const sample = (i: number): Record_ => sampleRecord(NODE_ID, '210100', i);
  const legalPerson = (() => {
    for (let i = 100; ; i++) if (sample(i).subject?.kind === SubjectKind.SUBJECT_KIND_LEGAL_PERSON) return sample(i);
  })();
  const badUscc = (r: Record_): Record_ => {
    const ids = r.subject!.identifiers.map((id, i) =>
      i === 0 ? { ...id, value: id.value.slice(0, 17) + (id.value.endsWith('0') ? '1' : '0') } : id,
    );
    return { ...r, subject: { ...r.subject!, identifiers: ids } };
  };

  const valid = [sample(0), sample(1), sample(2)];
  const lines = [
    line(valid[0]!), // 1
    'this is not JSON', // 2
    line(valid[1]!), // 3
    line(badUscc(legalPerson)), // 4
    '', // 5: blank, skipped
    JSON.stringify({ ...(CreditRecord.toJSON(sample(3)) as object), category: 'RECORD_CATEGORY_NO_SUCH_THING' }), // 6
    JSON.stringify({ ...(CreditRecord.toJSON(sample(4)) as object), originId: 'county-b' }), // 7
    line(valid[2]!), // 8
  ];
  const expectedRejections = [
    { line: 2, reason: 'IMPORT_LINE_INVALID' },
    { line: 4, reason: 'IDENTIFIER_INVALID', field: 'subject.identifiers[0].value' },
    { line: 6, reason: 'RECORD_CATEGORY_UNKNOWN', field: 'category' },
    { line: 7, reason: 'RECORD_ORIGIN_MISMATCH', field: 'origin_id' },
  ];

  async function importFile(): Promise<{ run: Run; summary: Record<string, unknown> & { rejections: Record<string, unknown>[] } }> {
    const run = await credfed(['import', ndjson, '--config', configFile, '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    return { run, summary: JSON.parse(run.stdout) };
  }

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    configFile = writeYaml('import.yaml', {
      node: { id: NODE_ID },
      listen: '127.0.0.1:0',
      store: storeConfig.databaseUrl ? { databaseUrl: storeConfig.databaseUrl } : { dataDir: storeConfig.dataDir },
      // import opens only the store: the TLS files need not exist
      tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/county-a.crt', key: 'nowhere/county-a.key' },
      partners: [{ id: 'city', kind: 'parent_city', endpoint: '127.0.0.1:1' }],
      persons: testPersonsSection('import'),
    });
    fs.writeFileSync(ndjson, `${lines.join('\n')}\n`);
  });
  afterAll(async () => storeConfig?.cleanup());

  it('stores the valid lines, reports each bad one by line and reason, and exits 3', async () => {
    const { run, summary } = await importFile();
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ file: ndjson, lines: lines.length, accepted: 3, unchanged: 0, rejected: 4 });
    expect(summary.rejections).toHaveLength(4);
    expect(summary.rejections).toEqual(expectedRejections.map((r) => expect.objectContaining(r)));
  });

  it('re-importing the same file changes nothing and reports the same rejections', async () => {
    const { run, summary } = await importFile();
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ lines: lines.length, accepted: 0, unchanged: 3, rejected: 4 });
    expect(summary.rejections).toEqual(expectedRejections.map((r) => expect.objectContaining(r)));
  });

  it('a changed line becomes exactly one new version', async () => {
    const renamed = { ...valid[1]!, subject: { ...valid[1]!.subject!, name: `${valid[1]!.subject!.name}（更名）` } };
    const changed = lines.map((l, i) => (i === 2 ? line(renamed) : l));
    fs.writeFileSync(ndjson, `${changed.join('\n')}\n`);
    const { run, summary } = await importFile();
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ accepted: 1, unchanged: 2, rejected: 4 });
  });

  it('left exactly one row per record, the changed one at version 2, each version queued once for the parent', async () => {
    const store = await openStore({ databaseUrl: storeConfig.databaseUrl, dataDir: storeConfig.dataDir });
    try {
      const records = await store.query<{ record_id: string; version: string }>(
        'SELECT record_id, version FROM records WHERE origin_id = $1 ORDER BY record_id',
        [NODE_ID],
      );
      expect(records.rows.map((r) => [r.record_id, Number(r.version)])).toEqual([
        [valid[0]!.recordId, 1],
        [valid[1]!.recordId, 2],
        [valid[2]!.recordId, 1],
      ]);
      const outbox = await store.query<{ record_id: string; version: string }>(
        "SELECT record_id, version FROM outbox WHERE partner_id = 'city' ORDER BY record_id, version",
      );
      expect(outbox.rows.map((r) => [r.record_id, Number(r.version)])).toEqual([
        [valid[0]!.recordId, 1],
        [valid[1]!.recordId, 1],
        [valid[1]!.recordId, 2],
        [valid[2]!.recordId, 1],
      ]);
    } finally {
      await store.close();
    }
  });

  it('prints a readable summary without --json', async () => {
    const run = await credfed(['import', ndjson, '-c', configFile]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(ndjson);
    for (const r of expectedRejections) expect(run.stdout).toContain(`line ${r.line}: ${r.reason}`);
  });

  it('a missing import file exits 1, naming it', async () => {
    const missing = path.join(tmp, 'no-such.ndjson');
    const run = await credfed(['import', missing, '--config', configFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(missing);
  });
});
