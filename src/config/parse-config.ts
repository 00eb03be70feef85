import path from 'node:path';
import { DEFAULTS } from './defaults.js';
import { PARTNER_KINDS, type ConfigAgreement, type NodeConfig, type PartnerConfig, type PartnerKind } from './node-config.js';
import { err, ok, type Result } from '../core/result.js';
import YAML from 'yaml';
import { agreementFromObject } from '../core/agreements/parse-agreement.js';
import { parsePersonsConfig } from './persons-config.js';
import { parseLifecycleConfig } from './lifecycle-config.js';
import { parseRecognitionConfig } from './recognition-config.js';

const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Environment variables that override the file, by the setting they override. */
export const ENV_OVERRIDES = {
  CREDFED_NODE_ID: 'node.id',
  CREDFED_FEDERATION: 'node.federation',
  CREDFED_LISTEN: 'listen',
  DATABASE_URL: 'store.databaseUrl',
  CREDFED_DATA_DIR: 'store.dataDir',
  CREDFED_TLS_CA: 'tls.ca',
  CREDFED_TLS_CERT: 'tls.cert',
  CREDFED_TLS_KEY: 'tls.key',
  CREDFED_MAX_MESSAGE_BYTES: 'limits.maxMessageBytes',
  CREDFED_MAX_ANSWER_BYTES: 'limits.maxAnswerBytes',
  CREDFED_LOG_LEVEL: 'log.level',
  CREDFED_REFLECTION: 'server.reflection',
  CREDFED_TLS_CRL: 'tls.crl',
  CREDFED_CA_PASSPHRASE_FILE: 'ca.passphraseFile',
  CREDFED_METRICS_LISTEN: 'metrics.listen',
  CREDFED_PERSONS_PSEUDONYM_KEYS: 'persons.pseudonymKeys',
  CREDFED_PERSONS_STORAGE: 'persons.residentIdStorage',
  CREDFED_PERSONS_ENCRYPTION_KEY_FILE: 'persons.encryptionKeyFile',
  CREDFED_RECOGNITION_SIGNING_CERT: 'recognition.signing.cert',
  CREDFED_RECOGNITION_SIGNING_KEY: 'recognition.signing.key',
} as const;

type Raw = Record<string, unknown>;

/**
 * Turns a parsed configuration document plus environment overrides into a
 * NodeConfig, listing every problem found rather than only the first.
 * Relative paths are resolved against `baseDir` (the file's directory).
 */
export function parseConfig(doc: unknown, env: Record<string, string | undefined>, baseDir: string, source: string): Result<NodeConfig, string[]> {
  const problems: string[] = [];
  const root = isObject(doc) ? doc : (problems.push('the file must be a mapping of settings'), {});
  const fromEnv = (dotted: string): string | undefined => {
    const envName = Object.entries(ENV_OVERRIDES).find(([, setting]) => setting === dotted)?.[0];
    const v = envName ? env[envName] : undefined;
    return v === '' ? undefined : v;
  };
  const get = (dotted: string): unknown =>
    fromEnv(dotted) ?? dotted.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), root);
  // A path from the file is relative to the file; one from the environment, to the working directory.
  const resolvePath = (dotted: string, v: string): string => path.resolve(fromEnv(dotted) !== undefined ? '.' : baseDir, v);
  const str = (dotted: string, required: boolean, fallback?: string): string | undefined => {
    const v = get(dotted) ?? fallback;
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${dotted}: required`);
      return undefined;
    }
    if (typeof v !== 'string') return (problems.push(`${dotted}: expected text, found ${typeof v}`), undefined);
    return v;
  };
  const int = (dotted: string, fallback: number, min: number, max: number): number => {
    const v = get(dotted) ?? fallback;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${dotted}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  };
  const bool = (dotted: string, fallback: boolean): boolean => {
    const v = get(dotted) ?? fallback;
    const b = v === 'true' ? true : v === 'false' ? false : v;
    if (typeof b !== 'boolean') return (problems.push(`${dotted}: expected true or false, found ${JSON.stringify(v)}`), fallback);
    return b;
  };
  const file = (dotted: string): string => {
    const v = str(dotted, true);
    return v ? resolvePath(dotted, v) : '';
  };
  const optionalFile = (dotted: string): string | undefined => {
    const v = str(dotted, false);
    return v ? resolvePath(dotted, v) : undefined;
  };

  const nodeId = str('node.id', true) ?? '';
  if (nodeId && !NODE_ID.test(nodeId)) problems.push(`node.id: "${nodeId}" must be 2-63 lower-case letters, digits or hyphens`);
  const federation = str('node.federation', false, DEFAULTS.federation)!;
  if (!NODE_ID.test(federation)) problems.push(`node.federation: "${federation}" must be 2-63 lower-case letters, digits or hyphens`);
  const listen = parseHostPort(str('listen', false, DEFAULTS.listen)!);
  if (listen.error) problems.push(`listen: ${listen.error}`);
  const databaseUrl = str('store.databaseUrl', false);
  const dataDirRaw = str('store.dataDir', false);
  if (!databaseUrl && !dataDirRaw) problems.push('store: set store.dataDir (embedded) or store.databaseUrl / DATABASE_URL (PostgreSQL)');
  const metricsRaw = str('metrics.listen', false);
  const metricsListen = metricsRaw === undefined ? undefined : parseHostPort(metricsRaw);
  if (metricsListen?.error) problems.push(`metrics.listen: ${metricsListen.error}`);
  const logLevel = str('log.level', false, DEFAULTS.logLevel)!;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`log.level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);

  const config: NodeConfig = {
    nodeId,
    federation,
    listen: listen.value ?? { host: '127.0.0.1', port: 0 },
    store: {
      databaseUrl,
      dataDir: dataDirRaw ? resolvePath('store.dataDir', dataDirRaw) : undefined,
      // PGlite's WASM memory ends at 2 GiB, so its buffers stay well below.
      sharedBuffersMiB: int('store.sharedBuffersMiB', DEFAULTS.store.sharedBuffersMiB, 1, 1024),
    },
    tls: { ca: file('tls.ca'), cert: file('tls.cert'), key: file('tls.key'), crl: optionalFile('tls.crl') },
    ca: { passphraseFile: optionalFile('ca.passphraseFile') },
    metrics: { listen: metricsListen?.value },
    partners: parsePartners(root.partners, nodeId, problems),
    limits: {
      maxMessageBytes: int('limits.maxMessageBytes', DEFAULTS.limits.maxMessageBytes, 1024, 256 * 1024 * 1024),
      maxAnswerBytes: int('limits.maxAnswerBytes', DEFAULTS.limits.maxAnswerBytes, 1024, 1024 * 1024 * 1024),
    },
    sync: {
      batchSize: int('sync.batchSize', DEFAULTS.sync.batchSize, 1, 10_000),
      window: int('sync.window', DEFAULTS.sync.window, 1, 64),
      retentionDays: int('sync.retentionDays', DEFAULTS.sync.retentionDays, 0, 3650),
      leaseSeconds: int('sync.leaseSeconds', DEFAULTS.sync.leaseSeconds, 2, 60),
      pollMs: int('sync.pollMs', DEFAULTS.sync.pollMs, 10, 60_000),
      maxBackoffMs: int('sync.maxBackoffMs', DEFAULTS.sync.maxBackoffMs, 100, 600_000),
    },
    server: {
      reflection: bool('server.reflection', DEFAULTS.server.reflection),
      shutdownTimeoutMs: int('server.shutdownTimeoutMs', DEFAULTS.server.shutdownTimeoutMs, 1_000, 3_600_000),
    },
    grpc: {
      keepaliveTimeMs: int('grpc.keepaliveTimeMs', DEFAULTS.grpc.keepaliveTimeMs, 1_000, 3_600_000),
      keepaliveTimeoutMs: int('grpc.keepaliveTimeoutMs', DEFAULTS.grpc.keepaliveTimeoutMs, 1_000, 600_000),
      maxConnectionAgeMs: int('grpc.maxConnectionAgeMs', DEFAULTS.grpc.maxConnectionAgeMs, 10_000, 86_400_000),
      maxConnectionAgeGraceMs: int('grpc.maxConnectionAgeGraceMs', DEFAULTS.grpc.maxConnectionAgeGraceMs, 1_000, 3_600_000),
    },
    persons: parsePersonsConfig({ get, resolvePath }, problems),
    agreements: parseConfigAgreements(root.agreements, problems),
    recognition: parseRecognitionConfig({ get, resolvePath }, problems),
    lifecycle: parseLifecycleConfig({ get, resolvePath }, problems),
    calendar: { file: optionalFile('calendar.file') },
    feed: {
      retainDays: int('feed.retainDays', DEFAULTS.feed.retainDays, 1, 3650),
      pollMs: int('feed.pollMs', DEFAULTS.feed.pollMs, 10, 60_000),
    },
    logLevel,
    source,
  };
  return problems.length > 0 ? err(problems) : ok(deepFreeze(config));
}

/** Agreement documents inlined in the file, each checked as `credfed agreement put` would (partners are checked when seeded). */
function parseConfigAgreements(raw: unknown, problems: string[]): ConfigAgreement[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return (problems.push('agreements: expected a list of agreement documents'), []);
  const seen = new Set<string>();
  return raw.flatMap((doc: unknown, i) => {
    const parsed = agreementFromObject(doc);
    if (parsed.error) return (problems.push(...parsed.error.map((e) => `agreements[${i}].${e}`)), []);
    if (seen.has(parsed.value.id)) return (problems.push(`agreements[${i}].agreement: "${parsed.value.id}" is listed twice`), []);
    seen.add(parsed.value.id);
    return [{ agreement: parsed.value, document: YAML.stringify(doc) }];
  });
}

function parsePartners(raw: unknown, nodeId: string, problems: string[]): PartnerConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return (problems.push('partners: expected a list'), []);
  const seen = new Set<string>();
  return raw.flatMap((p, i): PartnerConfig[] => {
    const at = `partners[${i}]`;
    if (!isObject(p)) return (problems.push(`${at}: expected a mapping`), []);
    const id = typeof p.id === 'string' ? p.id : '';
    if (!NODE_ID.test(id)) problems.push(`${at}.id: ${JSON.stringify(p.id)} must be 2-63 lower-case letters, digits or hyphens`);
    else if (id === nodeId) problems.push(`${at}.id: "${id}" is this node's own id`);
    else if (seen.has(id)) problems.push(`${at}.id: "${id}" is listed twice`);
    seen.add(id);
    const kind = p.kind as PartnerKind;
    if (!PARTNER_KINDS.includes(kind)) problems.push(`${at}.kind: ${JSON.stringify(p.kind)} is not one of ${PARTNER_KINDS.join(', ')}`);
    const push = p.push === undefined ? kind === 'parent_city' : p.push;
    if (typeof push !== 'boolean') problems.push(`${at}.push: expected true or false`);
    const relay = p.relay ?? false;
    if (typeof relay !== 'boolean') problems.push(`${at}.relay: expected true or false`);
    let endpoint: string | undefined;
    if (p.endpoint !== undefined) {
      const hp = typeof p.endpoint === 'string' ? parseHostPort(p.endpoint) : err('expected host:port');
      if (hp.error) problems.push(`${at}.endpoint: ${hp.error}`);
      else endpoint = p.endpoint as string;
    } else if (push === true) problems.push(`${at}.endpoint: required when push is true`);
    const subscribe = p.subscribe ?? false;
    if (typeof subscribe !== 'boolean') problems.push(`${at}.subscribe: expected true or false`);
    else if (subscribe && endpoint === undefined && p.endpoint === undefined) problems.push(`${at}.endpoint: required when subscribe is true`);
    const divisions = parseDivisions(`${at}.divisions`, p.divisions, problems);
    return [{ id, kind, endpoint, push: push === true, relay: relay === true, subscribe: subscribe === true, divisions }];
  });
}

/** Division code prefixes a partner covers: 2, 4 or 6 digits each, distinct. */
function parseDivisions(at: string, raw: unknown, problems: string[]): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return (problems.push(`${at}: expected a list of division codes such as ["2101", "210100"]`), []);
  const out: string[] = [];
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string' || !/^(\d{2}|\d{4}|\d{6})$/.test(v)) problems.push(`${at}[${i}]: ${JSON.stringify(v)} is not a division code prefix (2, 4 or 6 digits, as text)`);
    else if (out.includes(v)) problems.push(`${at}[${i}]: "${v}" is listed twice`);
    else out.push(v);
  });
  return out;
}

/** Parses "host:port" (IPv6 as "[::1]:7400"). */
export function parseHostPort(input: string): Result<{ host: string; port: number }, string> {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(input);
  if (!m) return err(`expected host:port such as 127.0.0.1:7400, found "${input}"`);
  const port = Number(m[2]);
  if (port > 65535) return err(`port ${port} is out of range`);
  return ok({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
}

/** A host as written before ":port" (IPv6 in brackets), the inverse of parseHostPort. */
export const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
