// deploy/kubernetes: every document of every file validated offline against the
// Kubernetes OpenAPI schemas (kubernetes-models) and their field names, and the
// wiring between the objects: replicas, probes, Secret, ConfigMap, Service, PDB.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseConfig } from '../../../src/config/parse-config.js';
import { DEPLOY_DIR, HEALTH_COMMAND, checkKubernetesObject, isObject, readYamlDocuments } from './deploy-checks.js';

const K8S_DIR = path.join(DEPLOY_DIR, 'kubernetes');
const NAMESPACE = 'credfed';

/** Manifests are read as untyped data; the checks above have validated their shape. */
type Json = Record<string, any>;

/** Every .yaml under deploy/kubernetes (the example Secrets included), with its documents. */
function manifestFiles(dir = K8S_DIR): { file: string; docs: Json[] }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return manifestFiles(full);
      return /\.ya?ml$/.test(e.name) ? [{ file: full, docs: readYamlDocuments(full) as Json[] }] : [];
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

const files = manifestFiles();
const objects = files.flatMap((f) => f.docs.map((doc) => ({ file: path.relative(DEPLOY_DIR, f.file), doc })));
const ofKind = (kind: string): Json[] => objects.filter((o) => o.doc.kind === kind).map((o) => o.doc);
const one = (kind: string): Json => {
  const found = ofKind(kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
};
const clone = <T>(v: T): T => structuredClone(v);

/** Whether a label selector's matchLabels all appear in `labels` (and it selects something). */
const selects = (selector: Json | undefined, labels: Json): boolean =>
  isObject(selector) && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/kubernetes manifests', () => {
  it('are all valid Kubernetes objects of the expected kinds, with only known field names', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const { file, doc } of objects) expect(checkKubernetesObject(doc), file).toEqual([]);
    const kinds = new Set(objects.map((o) => o.doc.kind));
    for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'PodDisruptionBudget']) expect(kinds, kind).toContain(kind);
  });

  it('put everything in one namespace, which they create', () => {
    expect(one('Namespace').metadata.name).toBe(NAMESPACE);
    for (const { file, doc } of objects.filter((o) => o.doc.kind !== 'Namespace')) expect(doc.metadata?.namespace, file).toBe(NAMESPACE);
  });

  it('keep the placeholder Secrets out of the files `kubectl apply -f deploy/kubernetes/` applies', () => {
    const applied = fs.readdirSync(K8S_DIR).filter((f) => /\.ya?ml$/.test(f));
    for (const f of applied) expect(readYamlDocuments(path.join(K8S_DIR, f)).map((d) => (d as Json).kind), f).not.toContain('Secret');
    for (const secret of ofKind('Secret')) expect(JSON.stringify(secret.stringData)).toContain('PLACEHOLDER');
  });

  it('run at least two non-root replicas with a read-only root filesystem and resource requests', () => {
    const deployment = one('Deployment');
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    // The read-only root keeps a writable /tmp for commands run in the pod.
    const tmp = container.volumeMounts.find((m: Json) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: Json) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
  });

  it('probe readiness, liveness and start-up with `credfed health` (exec: the gRPC port needs a client certificate)', () => {
    const container = one('Deployment').spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = container[probe];
      expect(p?.exec?.command, probe).toEqual(HEALTH_COMMAND);
      expect(p.grpc, probe).toBeUndefined();
      expect(p.timeoutSeconds, probe).toBeGreaterThanOrEqual(5);
    }
    // Liveness rides out a PostgreSQL failover (NOT_SERVING while the store does not answer).
    const live = container.livenessProbe;
    expect(live.periodSeconds * live.failureThreshold).toBeGreaterThanOrEqual(120);
    // The probes read the configuration the gateway runs with.
    expect(container.args).toEqual(['serve', '--config', HEALTH_COMMAND[4]]);
  });

  it('mount the certificates from the Secret where the configuration looks for them, and take DATABASE_URL from a Secret', () => {
    const deployment = one('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const secrets = new Map(ofKind('Secret').map((s) => [s.metadata.name, s]));
    const configMap = one('ConfigMap');
    const configFile = configMap.data['credfed.yaml'];
    const databaseUrl = container.env.find((e: Json) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
    expect(databaseUrl, 'DATABASE_URL from a Secret').toBeDefined();
    const dbSecret = secrets.get(databaseUrl.name);
    expect(dbSecret?.stringData?.[databaseUrl.key], `${databaseUrl.name}.${databaseUrl.key}`).toMatch(/^postgres(ql)?:\/\//);

    const parsed = parseConfig(YAML.parse(configFile), { DATABASE_URL: dbSecret!.stringData[databaseUrl.key] }, '/etc/credfed', '/etc/credfed/credfed.yaml');
    expect(parsed.error).toBeUndefined();
    const config = parsed.value!;
    expect(config.store.databaseUrl).toBe(dbSecret!.stringData[databaseUrl.key]);

    // The configuration file is the ConfigMap's, at the path the probes and args name.
    const configMount = container.volumeMounts.find((m: Json) => m.mountPath === HEALTH_COMMAND[4]);
    const configVolume = pod.volumes.find((v: Json) => v.name === configMount?.name);
    expect(configVolume?.configMap?.name).toBe(configMap.metadata.name);
    expect(configMap.data[configMount.subPath]).toBe(configFile);

    // Every TLS file of the configuration comes from the TLS Secret's mount, read-only.
    const tlsVolume = pod.volumes.find((v: Json) => v.secret);
    const tlsMount = container.volumeMounts.find((m: Json) => m.name === tlsVolume.name);
    expect(tlsMount.readOnly).toBe(true);
    const tlsSecret = secrets.get(tlsVolume.secret.secretName);
    expect(tlsSecret, tlsVolume.secret.secretName).toBeDefined();
    expect(Object.keys(tlsSecret!.stringData).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    const mounted = new Map<string, string>(tlsVolume.secret.items.map((i: Json) => [path.posix.join(tlsMount.mountPath, i.path), i.key]));
    for (const file of [config.tls.ca, config.tls.cert, config.tls.key]) {
      expect(mounted.get(file), file).toBeDefined();
      expect(tlsSecret!.stringData[mounted.get(file)!]).toBeDefined();
    }
    // The key stays unreadable to others (0440, group = fsGroup).
    expect(tlsVolume.secret.defaultMode & 0o007).toBe(0);

    // The container ports are the ones the configuration listens on.
    const portOf = (name: string) => container.ports.find((p: Json) => p.name === name)?.containerPort;
    expect(portOf('grpc')).toBe(config.listen.port);
    expect(portOf('metrics')).toBe(config.metrics.listen?.port);
  });

  it('select the Deployment’s pods from the Service and the PodDisruptionBudget, leaving room for a drain', () => {
    const deployment = one('Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const service = one('Service');
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    const containerPorts = deployment.spec.template.spec.containers[0].ports.map((p: Json) => p.name);
    expect(service.spec.ports.map((p: Json) => p.targetPort).sort()).toEqual([...containerPorts].sort());

    const pdb = one('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);

    for (const policy of ofKind('NetworkPolicy')) expect(selects(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
  });

  it('let only the monitoring namespace reach the plain-HTTP metrics port', () => {
    const policy = one('NetworkPolicy');
    const metricsPort = one('Deployment').spec.template.spec.containers[0].ports.find((p: Json) => p.name === 'metrics').containerPort;
    const rules = policy.spec.ingress.filter((r: Json) => r.ports.some((p: Json) => p.port === metricsPort));
    expect(rules).toHaveLength(1);
    expect(rules[0].from?.length).toBeGreaterThan(0);
  });
});

describe('the Kubernetes checks reject broken manifests', () => {
  const deployment = () => clone(one('Deployment'));

  it('replicas that are not a number', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    expect(checkKubernetesObject(d).join('\n')).toMatch(/replicas must be integer/);
  });

  it('a Deployment without a selector', () => {
    const d = deployment();
    delete d.spec.selector;
    expect(checkKubernetesObject(d).join('\n')).toMatch(/selector/);
  });

  it('a misspelt field the schema alone would let through', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagee = d.spec.template.spec.containers[0].image;
    d.spec.template.spec.containers[0].readinessProbe.exec.commands = ['true'];
    const problems = checkKubernetesObject(d);
    expect([...problems].sort()).toEqual([
      'Deployment.spec.template.spec.containers[0].imagee: not a field of Container',
      'Deployment.spec.template.spec.containers[0].readinessProbe.exec.commands: not a field of ExecAction',
    ]);
  });

  it('a Service of an unknown type and a PodDisruptionBudget with a bad minAvailable', () => {
    const service = clone(one('Service'));
    service.spec.type = 'Bogus';
    expect(checkKubernetesObject(service).length).toBeGreaterThan(0);
    const pdb = clone(one('PodDisruptionBudget'));
    pdb.spec.minAvailable = { one: 1 };
    expect(checkKubernetesObject(pdb).length).toBeGreaterThan(0);
  });

  it('a kind the deployment does not use', () => {
    expect(checkKubernetesObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toEqual(['unexpected kind v1/Pod']);
  });
});
