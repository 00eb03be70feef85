// parseConfig (src/config/parse-config.ts) and loadConfig (src/config/load-config.ts):
// defaults, environment overrides, every problem reported at once, frozen result.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { CredfedError } from '../../../src/core/errors.js';
import { DEFAULT_RULES } from '../../../src/core/verdicts/recognition-rules.js';
import { DEFAULT_PUBLICITY } from '../../../src/core/lifecycle/publicity.js';
import { DEFAULT_REPAIR_MINIMUM } from '../../../src/core/lifecycle/status-change.js';

const BASE_DIR = '/etc/credfed';
const SOURCE = '/etc/credfed/county-a.yaml';

/** The smallest valid document. */
const minimal = () => ({
  node: { id: 'county-a' },
  store: { dataDir: 'data' },
  tls: { ca: 'certs/ca.crt', cert: 'certs/county-a.crt', key: 'certs/county-a.key' },
});

const parse = (doc: unknown, env: Record<string, string | undefined> = {}) => parseConfig(doc, env, BASE_DIR, SOURCE);

/** The problems of a document that must be invalid. */
function problems(doc: unknown, env: Record<string, string | undefined> = {}): string[] {
  const result = parse(doc, env);
  expect(result.value).toBeUndefined();
  return result.error ?? [];
}

describe('parseConfig', () => {
  it('fills every default around a minimal document and resolves paths against the base directory', () => {
    const result = parse(minimal());
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({
      nodeId: 'county-a',
      federation: DEFAULTS.federation,
      listen: { host: '127.0.0.1', port: 7400 },
      store: { databaseUrl: undefined, dataDir: '/etc/credfed/data', sharedBuffersMiB: DEFAULTS.store.sharedBuffersMiB },
      tls: { ca: '/etc/credfed/certs/ca.crt', cert: '/etc/credfed/certs/county-a.crt', key: '/etc/credfed/certs/county-a.key', crl: undefined },
      ca: { passphraseFile: undefined },
      metrics: { listen: undefined },
      partners: [],
      limits: DEFAULTS.limits,
      sync: DEFAULTS.sync,
      server: { reflection: false, shutdownTimeoutMs: 30_000 },
      grpc: DEFAULTS.grpc,
      persons: { pseudonymKeys: [], residentIdStorage: 'encrypted', encryptionKeyFile: undefined, mask: DEFAULTS.persons.mask },
      agreements: [],
      recognition: { validitySeconds: 300, partnerDeadlineMs: 800, rules: DEFAULT_RULES },
      lifecycle: { publicity: DEFAULT_PUBLICITY, sweepSeconds: DEFAULTS.lifecycle.sweepSeconds, repairMinimum: DEFAULT_REPAIR_MINIMUM },
      calendar: { file: undefined },
      feed: { retainDays: 30, pollMs: 200 },
      logLevel: DEFAULTS.logLevel,
      source: SOURCE,
    });
  });

  it('reads inlined agreements, and lists their problems under agreements[i]', () => {
    const agreement = { agreement: 'a-city', parties: { partners: ['city'] }, valid: { from: '2026-01-01', until: '2026-12-31' }, directions: ['pull'], categories: ['all'], disclosure: ['public'] };
    const ok = parse({ ...minimal(), agreements: [agreement] }).value!;
    expect(ok.agreements.map((a) => [a.agreement.id, a.agreement.directions])).toEqual([['a-city', ['pull']]]);
    expect(ok.agreements[0]!.document).toContain('agreement: a-city');
    const bad = parse({ ...minimal(), agreements: [agreement, { ...agreement, directions: ['fly'] }, agreement] }).error!;
    expect(bad.some((p) => p.startsWith('agreements[1].directions[0]:'))).toBe(true);
    expect(bad.some((p) => p.startsWith('agreements[2].agreement: "a-city" is listed twice'))).toBe(true);
    expect(parse({ ...minimal(), agreements: { a: 1 } }).error).toContain('agreements: expected a list of agreement documents');
  });

  it('keeps absolute paths as they are', () => {
    const doc = { ...minimal(), tls: { ca: '/pki/ca.crt', cert: '/pki/a.crt', key: '/pki/a.key' }, store: { dataDir: '/var/lib/credfed' } };
    const config = parse(doc).value!;
    expect(config.tls).toEqual({ ca: '/pki/ca.crt', cert: '/pki/a.crt', key: '/pki/a.key', crl: undefined });
    expect(config.store.dataDir).toBe('/var/lib/credfed');
  });

  it("reads the embedded store's shared buffers, 16 MiB unless set, within 1 to 1024 MiB", () => {
    expect(DEFAULTS.store.sharedBuffersMiB).toBe(16);
    expect(parse({ ...minimal(), store: { dataDir: 'data', sharedBuffersMiB: 128 } }).value!.store.sharedBuffersMiB).toBe(128);
    for (const bad of [0, 1025, 12.5, '64MB']) {
      expect(problems({ ...minimal(), store: { dataDir: 'data', sharedBuffersMiB: bad } })).toEqual([
        `store.sharedBuffersMiB: expected a whole number from 1 to 1024, found ${JSON.stringify(bad)}`,
      ]);
    }
  });

  it('reads every setting the file gives', () => {
    const doc = {
      ...minimal(),
      node: { id: 'city', federation: 'liaoning' },
      listen: '[::1]:7500',
      store: { databaseUrl: 'postgres://credfed@db/credfed' },
      log: { level: 'debug' },
      limits: { maxMessageBytes: 1_048_576 },
      sync: { batchSize: 100, window: 2, retentionDays: 0, leaseSeconds: 10, pollMs: 50, maxBackoffMs: 1000 },
      tls: { ...minimal().tls, crl: 'certs/city.crl' },
      ca: { passphraseFile: '/run/secrets/ca.pass' },
      metrics: { listen: '127.0.0.1:9464' },
    };
    const config = parse(doc).value!;
    expect(config.tls.crl).toBe('/etc/credfed/certs/city.crl');
    expect(config.ca.passphraseFile).toBe('/run/secrets/ca.pass');
    expect(config.metrics.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config).toMatchObject({
      nodeId: 'city',
      federation: 'liaoning',
      listen: { host: '::1', port: 7500 },
      store: { databaseUrl: 'postgres://credfed@db/credfed', dataDir: undefined },
      logLevel: 'debug',
      limits: { maxMessageBytes: 1_048_576 },
      sync: { batchSize: 100, window: 2, retentionDays: 0, leaseSeconds: 10, pollMs: 50, maxBackoffMs: 1000 },
    });
  });

  it('lists every problem at once', () => {
    const doc = {
      node: {},
      listen: 'localhost',
      store: { dataDir: 'data' },
      tls: { ca: 'ca.crt', cert: 'a.crt', key: 'a.key' },
      log: { level: 'loud' },
      partners: [
        { id: 'city', kind: 'grand_city', push: false },
        { id: 'county-b', kind: 'child_county' },
        { id: 'county-b', kind: 'child_county' },
        { id: 'parent', kind: 'parent_city' },
      ],
    };
    const found = problems(doc);
    const expected = ['node.id', 'listen', 'log.level', 'partners[0].kind', 'partners[2].id', 'partners[3].endpoint'];
    for (const setting of expected) expect(found.some((p) => p.startsWith(`${setting}:`)), `a problem naming ${setting}`).toBe(true);
    expect(found).toHaveLength(expected.length);
  });

  it.each([
    ['the document is not a mapping', ['a', 'list'], 'the file must be a mapping'],
    ['no store', { ...minimal(), store: undefined }, 'store:'],
    ['no tls.key', { ...minimal(), tls: { ca: 'ca.crt', cert: 'a.crt' } }, 'tls.key:'],
    ['node.id with upper case', { ...minimal(), node: { id: 'County-A' } }, 'node.id:'],
    ['node.id that is a number', { ...minimal(), node: { id: 42 } }, 'node.id:'],
    ['bad federation', { ...minimal(), node: { id: 'county-a', federation: 'x' } }, 'node.federation:'],
    ['port out of range', { ...minimal(), listen: '127.0.0.1:70000' }, 'listen:'],
    ['limit below its minimum', { ...minimal(), limits: { maxMessageBytes: 10 } }, 'limits.maxMessageBytes:'],
    ['metrics.listen without a port', { ...minimal(), metrics: { listen: 'localhost' } }, 'metrics.listen:'],
    ['ca.passphraseFile that is not text', { ...minimal(), ca: { passphraseFile: 7 } }, 'ca.passphraseFile:'],
    ['fractional batch size', { ...minimal(), sync: { batchSize: 1.5 } }, 'sync.batchSize:'],
    ['window as text', { ...minimal(), sync: { window: 'four' } }, 'sync.window:'],
    ['server.reflection that is not a boolean', { ...minimal(), server: { reflection: 'yes' } }, 'server.reflection:'],
    ['shutdown timeout below its minimum', { ...minimal(), server: { shutdownTimeoutMs: 10 } }, 'server.shutdownTimeoutMs:'],
    ['partners not a list', { ...minimal(), partners: { city: {} } }, 'partners:'],
    ['partner not a mapping', { ...minimal(), partners: ['city'] }, 'partners[0]:'],
    ['partner with our own id', { ...minimal(), partners: [{ id: 'county-a', kind: 'peer_region', push: false }] }, 'partners[0].id:'],
    ['partner with a bad endpoint', { ...minimal(), partners: [{ id: 'city', kind: 'parent_city', endpoint: 'city' }] }, 'partners[0].endpoint:'],
    ['partner push that is not a boolean', { ...minimal(), partners: [{ id: 'city', kind: 'peer_region', push: 'yes' }] }, 'partners[0].push:'],
    ['partner relay that is not a boolean', { ...minimal(), partners: [{ id: 'city', kind: 'peer_region', relay: 1 }] }, 'partners[0].relay:'],
    [
      'peer with push: true and no endpoint',
      { ...minimal(), partners: [{ id: 'city-b', kind: 'peer_region', push: true }] },
      'partners[0].endpoint:',
    ],
  ])('reports %s', (_name, doc, setting) => {
    const found = problems(doc);
    expect(found.some((p) => p.startsWith(setting)), `${JSON.stringify(found)} names ${setting}`).toBe(true);
  });

  it('lets the environment win over the file', () => {
    const doc = { ...minimal(), listen: '127.0.0.1:7400', store: { dataDir: 'data' }, log: { level: 'info' } };
    const env = {
      CREDFED_NODE_ID: 'county-z',
      CREDFED_LISTEN: '0.0.0.0:9401',
      DATABASE_URL: 'postgres://credfed@db:5432/credfed',
      CREDFED_LOG_LEVEL: 'warn',
      CREDFED_MAX_MESSAGE_BYTES: '2048',
      CREDFED_TLS_CERT: '/pki/z.crt',
    };
    const config = parse(doc, env).value!;
    expect(config.nodeId).toBe('county-z');
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9401 });
    expect(config.store.databaseUrl).toBe('postgres://credfed@db:5432/credfed');
    expect(config.logLevel).toBe('warn');
    expect(config.limits.maxMessageBytes).toBe(2048);
    expect(config.tls.cert).toBe('/pki/z.crt');
  });

  it('answers have a limit of their own: 64 MiB by default (a batch of 1,000 signed verdicts is about 7 MB), from the file or CREDFED_MAX_ANSWER_BYTES', () => {
    expect(parse(minimal()).value!.limits).toEqual({ maxMessageBytes: 4 * 1024 * 1024, maxAnswerBytes: 64 * 1024 * 1024 });
    expect(parse({ ...minimal(), limits: { maxAnswerBytes: 8_388_608 } }).value!.limits.maxAnswerBytes).toBe(8_388_608);
    expect(parse(minimal(), { CREDFED_MAX_ANSWER_BYTES: '16777216' }).value!.limits.maxAnswerBytes).toBe(16_777_216);
    expect(problems({ ...minimal(), limits: { maxAnswerBytes: 10 } }).some((p) => p.startsWith('limits.maxAnswerBytes:'))).toBe(true);
  });

  it('supplies a required setting from the environment alone', () => {
    const { node: _n, store: _s, ...doc } = minimal();
    const config = parse(doc, { CREDFED_NODE_ID: 'county-z', DATABASE_URL: 'postgres://db/credfed' }).value!;
    expect(config).toMatchObject({ nodeId: 'county-z', store: { databaseUrl: 'postgres://db/credfed' } });
  });

  it('ignores empty environment variables', () => {
    const config = parse(minimal(), { CREDFED_NODE_ID: '', CREDFED_LISTEN: '' }).value!;
    expect(config.nodeId).toBe('county-a');
    expect(config.listen.port).toBe(7400);
  });

  it('validates environment values like file values', () => {
    const found = problems(minimal(), { CREDFED_LISTEN: 'nowhere', CREDFED_MAX_MESSAGE_BYTES: 'lots' });
    expect(found.some((p) => p.startsWith('listen:'))).toBe(true);
    expect(found.some((p) => p.startsWith('limits.maxMessageBytes:'))).toBe(true);
  });

  it('returns a deeply frozen configuration', () => {
    const config = parse({ ...minimal(), partners: [{ id: 'city', kind: 'parent_city', endpoint: 'city:7400' }] }).value!;
    expect(Object.isFrozen(config)).toBe(true);
    for (const part of [config.listen, config.store, config.tls, config.partners, config.partners[0], config.sync, config.grpc, config.limits]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config as { nodeId: string }).nodeId = 'other';
    }).toThrow(TypeError);
  });

  it.each([
    ['parent_city', { endpoint: 'city:7400' }, true],
    ['child_county', {}, false],
    ['peer_region', {}, false],
    ['service_agency', {}, false],
    ['parent_city', { push: false }, false],
    ['child_county', { push: true, endpoint: 'county-b:7400' }, true],
  ] as const)('a %s partner with %j pushes: %s', (kind, extra, push) => {
    const config = parse({ ...minimal(), partners: [{ id: 'partner-x', kind, ...extra }] }).value!;
    expect(config.partners).toEqual([
      { id: 'partner-x', kind, endpoint: 'endpoint' in extra ? extra.endpoint : undefined, push, relay: false, subscribe: false, divisions: [] },
    ]);
  });

  it('reads feed settings and partners to follow, refusing bad ones', () => {
    const config = parse({ ...minimal(), feed: { retainDays: 7, pollMs: 50 }, partners: [{ id: 'city', kind: 'peer_region', endpoint: 'city:7400', subscribe: true }] }).value!;
    expect(config.feed).toEqual({ retainDays: 7, pollMs: 50 });
    expect(parse({ ...minimal(), calendar: { file: 'calendar-2027.txt' } }).value!.calendar.file).toBe('/etc/credfed/calendar-2027.txt');
    expect(config.partners[0]?.subscribe).toBe(true);
    const bad = problems({ ...minimal(), feed: { retainDays: 0, pollMs: 'fast' }, partners: [{ id: 'city', kind: 'peer_region', subscribe: true }, { id: 'city-c', kind: 'peer_region', endpoint: 'c:1', subscribe: 'yes' }] });
    expect(bad.some((p) => p.startsWith('feed.retainDays'))).toBe(true);
    expect(bad.some((p) => p.startsWith('feed.pollMs'))).toBe(true);
    expect(bad).toContain('partners[0].endpoint: required when subscribe is true');
    expect(bad).toContain('partners[1].subscribe: expected true or false');
  });

  it('reads relay', () => {
    const config = parse({ ...minimal(), partners: [{ id: 'city', kind: 'parent_city', endpoint: 'city:7400', relay: true }] }).value!;
    expect(config.partners[0]?.relay).toBe(true);
  });
});

describe('parseConfig: recognition', () => {
  const rules = {
    levels: [
      { level: 'dishonest', when: [{ category: 'dishonesty_list' }] },
      { level: 'good', when: [{ category: 'credit_evaluation', grades: ['AAA', 'AA'] }] },
    ],
    otherwise: 'normal',
    disputed: 'ignore',
  };

  it('reads every setting, resolving the signing paths like tls paths', () => {
    const doc = { ...minimal(), recognition: { signing: { cert: 'certs/city-verdict.crt', key: '/pki/city-verdict.key' }, validitySeconds: 120, partnerDeadlineMs: 2000, rules } };
    expect(parse(doc).value!.recognition).toEqual({
      signing: { cert: '/etc/credfed/certs/city-verdict.crt', key: '/pki/city-verdict.key' },
      validitySeconds: 120,
      partnerDeadlineMs: 2000,
      rules,
    });
  });

  it('takes the signing files from the environment (relative to the working directory)', () => {
    const config = parse(minimal(), { CREDFED_RECOGNITION_SIGNING_CERT: '/run/v.crt', CREDFED_RECOGNITION_SIGNING_KEY: 'v.key' }).value!;
    expect(config.recognition.signing).toEqual({ cert: '/run/v.crt', key: path.resolve('v.key') });
  });

  it('accepts the bounds and freezes the rules', () => {
    const config = parse({ ...minimal(), recognition: { validitySeconds: 1, partnerDeadlineMs: 10_000, rules } }).value!;
    expect(config.recognition).toMatchObject({ validitySeconds: 1, partnerDeadlineMs: 10_000 });
    expect(config.recognition.signing).toBeUndefined();
    expect(Object.isFrozen(config.recognition.rules.levels[1]!.when[0]!.grades)).toBe(true);
    expect(parse({ ...minimal(), recognition: { validitySeconds: 300, partnerDeadlineMs: 50 } }).value!.recognition.rules).toBe(DEFAULT_RULES);
  });

  it.each([
    ['recognition not a mapping', ['x'], ['recognition']],
    ['an unknown setting', { validity: 300 }, ['recognition.validity']],
    ['validitySeconds above 300 (5 minutes)', { validitySeconds: 301 }, ['recognition.validitySeconds']],
    ['validitySeconds 0', { validitySeconds: 0 }, ['recognition.validitySeconds']],
    ['partnerDeadlineMs below 50', { partnerDeadlineMs: 10 }, ['recognition.partnerDeadlineMs']],
    ['partnerDeadlineMs above 10000', { partnerDeadlineMs: 10_001 }, ['recognition.partnerDeadlineMs']],
    ['partnerDeadlineMs as a fraction', { partnerDeadlineMs: 80.5 }, ['recognition.partnerDeadlineMs']],
    ['signing not a mapping', { signing: 'certs/v.crt' }, ['recognition.signing']],
    ['signing without a key', { signing: { cert: 'v.crt' } }, ['recognition.signing.key']],
    ['signing without a cert', { signing: { key: 'v.key' } }, ['recognition.signing.cert']],
    ['signing cert not text', { signing: { cert: 1, key: 'v.key' } }, ['recognition.signing.cert']],
    ['an unknown signing setting', { signing: { cert: 'v.crt', key: 'v.key', chain: 'ca.crt' } }, ['recognition.signing.chain']],
    ['rules not a mapping', { rules: [] }, ['recognition.rules']],
    [
      'rules with problems, each under recognition.rules',
      { rules: { levels: [{ level: 'great', when: [] }], otherwise: 'normal', disputed: 'maybe' } },
      ['recognition.rules.levels[0].level', 'recognition.rules.levels[0].when', 'recognition.rules.disputed'],
    ],
  ])('reports %s', (_name, recognition, expected) => {
    const found = problems({ ...minimal(), recognition });
    expect(found.map((p) => p.slice(0, p.indexOf(':')))).toEqual(expected);
  });
});

describe('parseConfig: partner divisions', () => {
  const withDivisions = (divisions: unknown) => ({ ...minimal(), partners: [{ id: 'city', kind: 'peer_region', divisions }] });

  it('reads the division code prefixes a partner covers (default none)', () => {
    expect(parse(withDivisions(['21', '2101', '210100'])).value!.partners[0]!.divisions).toEqual(['21', '2101', '210100']);
    expect(parse(withDivisions(undefined)).value!.partners[0]!.divisions).toEqual([]);
    expect(Object.isFrozen(parse(withDivisions(['2101'])).value!.partners[0]!.divisions)).toBe(true);
  });

  it.each([
    ['not a list', '2101', ['partners[0].divisions']],
    ['a number instead of text', [2101], ['partners[0].divisions[0]']],
    ['three digits', ['210'], ['partners[0].divisions[0]']],
    ['eight digits', ['21010000'], ['partners[0].divisions[0]']],
    ['letters', ['21ab'], ['partners[0].divisions[0]']],
    ['a code listed twice', ['2101', '2102', '2101'], ['partners[0].divisions[2]']],
  ])('reports %s', (_name, divisions, expected) => {
    expect(problems(withDivisions(divisions)).map((p) => p.slice(0, p.indexOf(':')))).toEqual(expected);
  });
});

describe('loadConfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  function thrown(fn: () => unknown): CredfedError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(CredfedError);
      return e as CredfedError;
    }
    throw new Error('expected loadConfig to throw');
  }

  it('reads YAML and resolves relative paths against the file’s directory', () => {
    const file = write('node.yaml', 'node:\n  id: county-a\nstore:\n  dataDir: ./data\ntls:\n  ca: ca.crt\n  cert: a.crt\n  key: a.key\n');
    const config = loadConfig(file, {});
    expect(config).toMatchObject({ nodeId: 'county-a', source: file, store: { dataDir: path.join(dir, 'data') }, tls: { ca: path.join(dir, 'ca.crt') } });
  });

  it('reads JSON', () => {
    const file = write('node.json', JSON.stringify(minimal()));
    expect(loadConfig(file, {}).nodeId).toBe('county-a');
  });

  it('throws CONFIG_NOT_FOUND naming a missing file', () => {
    const missing = path.join(dir, 'missing.yaml');
    const e = thrown(() => loadConfig(missing, {}));
    expect(e.code).toBe('CONFIG_NOT_FOUND');
    expect(e.message).toContain(missing);
  });

  it.each([
    ['unbalanced brackets', 'node: { id: county-a\n'],
    ['bad indentation', 'node:\n  id: a\n    x: 1\n  - y\n'],
    ['a duplicate key', 'node:\n  id: a\nnode:\n  id: b\n'],
  ])('throws CONFIG_INVALID for YAML with %s', (_name, text) => {
    const file = write('bad.yaml', text);
    const e = thrown(() => loadConfig(file, {}));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain(file);
  });

  it('throws CONFIG_INVALID listing every problem of a valid YAML file', () => {
    const file = write('problems.yaml', 'node: {}\nlisten: nowhere\ntls: {}\n');
    const e = thrown(() => loadConfig(file, {}));
    expect(e.code).toBe('CONFIG_INVALID');
    const listed = e.details.problems as string[];
    for (const setting of ['node.id', 'listen', 'store', 'tls.ca', 'tls.cert', 'tls.key']) {
      expect(listed.some((p) => p.startsWith(`${setting}:`)), setting).toBe(true);
    }
  });

  it('throws CONFIG_INVALID for an empty file', () => {
    expect(thrown(() => loadConfig(write('empty.yaml', ''), {})).code).toBe('CONFIG_INVALID');
  });

  it('applies the given environment', () => {
    const file = write('env.yaml', JSON.stringify(minimal()));
    expect(loadConfig(file, { CREDFED_LISTEN: '127.0.0.1:9999' }).listen.port).toBe(9999);
  });
});
