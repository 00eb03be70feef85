// deploy/Dockerfile, parsed with dockerfile-ast (no container engine here):
// multi-stage, the build stage runs exactly the build commands CI runs (read
// from .ci/run), the runtime stage is a Node LTS image running as non-root
// with what the CLI needs at run time.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, HEALTH_COMMAND, REPO_ROOT, checkDockerfile, ciBuildCommands, dockerStages, execForm } from './deploy-checks.js';

const DOCKERFILE = fs.readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
const IGNORE = fs.readFileSync(path.join(DEPLOY_DIR, 'Dockerfile.dockerignore'), 'utf8');
const CI = ciBuildCommands(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8'));
const { stages } = dockerStages(DOCKERFILE);
const runtime = stages.at(-1)!;
const args = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('.ci/run, as the Dockerfile test reads it', () => {
  it('runs install, gen, typecheck and build before its tests, with npm ci, npm run gen, npm run typecheck and npm run build', () => {
    expect(CI.phases).toEqual(['install', 'gen', 'typecheck', 'build']);
    expect(CI.commands).toEqual(['npm ci --ignore-scripts', 'npm run gen', 'npm run typecheck', 'npm run build']);
  });
});

describe('deploy/Dockerfile', () => {
  it('passes every check: stages, CI build steps, Node LTS, non-root, COPY --from=build', () => {
    expect(checkDockerfile(DOCKERFILE, CI.commands)).toEqual([]);
  });

  it('builds in a stage that runs exactly CI’s build commands (the tests are CI’s job, not the image’s)', () => {
    const build = stages.find((s) => s.name === 'build')!;
    expect(build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)).toEqual(CI.commands);
    expect(DOCKERFILE).not.toMatch(/^RUN .*npm (run )?test/m);
  });

  it('uses the same Node image in every stage', () => {
    expect(new Set(stages.map((s) => s.image)).size).toBe(1);
  });

  it('runs `credfed serve` on the configuration path the probes and compose use', () => {
    const entrypoint = execForm(args('ENTRYPOINT').at(-1) ?? '');
    const cmd = execForm(args('CMD').at(-1) ?? '');
    expect(entrypoint).toEqual(HEALTH_COMMAND.slice(0, 2));
    expect([...entrypoint!, ...cmd!]).toEqual([...HEALTH_COMMAND.slice(0, 2), 'serve', '--config', HEALTH_COMMAND[4]]);
    expect(args('USER').at(-1)).toBe('node');
    expect(args('EXPOSE').join(' ').split(/\s+/)).toEqual(expect.arrayContaining(['7400', '9464']));
  });

  it('copies in the runtime stage what the CLI runs: the compiled dist/, .proto files, bin, production node_modules, and no sources', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    const targets = copies.flatMap((c) => c.args.split(/\s+/).slice(0, -1).map((src) => ({ src, from: c.flags.find((f) => f.startsWith('--from='))?.slice(7) })));
    for (const dir of ['dist', 'proto', 'bin', 'package.json']) expect(targets, dir).toContainEqual({ src: `/app/${dir}`, from: 'build' });
    expect(targets.map((t) => t.src)).not.toContain('/app/src');
    expect(targets).toContainEqual({ src: '/app/node_modules', from: 'prod-deps' });
    const prodDeps = stages.find((s) => s.name === 'prod-deps')!;
    expect(prodDeps.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    // src/gen is committed; the build copies src/store/migrations into dist/; the gateway reads proto/ at run time.
    for (const p of ['src/gen', 'src/store/migrations', 'proto/credfed/v1', 'bin/credfed.js']) expect(fs.existsSync(path.join(REPO_ROOT, p)), p).toBe(true);
  });

  it('keeps keys, local data and node_modules out of the build context, but not what the build needs', () => {
    const patterns = IGNORE.split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['node_modules', 'dist', '.git', 'certs', '.credfed', '**/*.key']) expect(patterns, p).toContain(p);
    // tsc -p . checks tests/ too, npm ci needs the lockfile, npm run build its script and tsconfig.
    for (const p of ['src', 'tests', 'proto', 'bin', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'buf.gen.yaml', 'buf.yaml'])
      expect(patterns, p).not.toContain(p);
  });
});

describe('the Dockerfile check rejects broken Dockerfiles', () => {
  it('a final stage that runs as root', () => {
    expect(checkDockerfile(DOCKERFILE.replace(/^USER node$/m, 'USER root'), CI.commands)).toEqual(['final stage runs as root']);
    expect(checkDockerfile(DOCKERFILE.replace(/^USER node$/m, 'USER 0:0'), CI.commands)).toEqual(['final stage runs as 0:0']);
    expect(checkDockerfile(DOCKERFILE.replace(/^USER node$/m, ''), CI.commands)).toEqual(['final stage has no USER: it would run as root']);
  });

  it('a single-stage build', () => {
    const single = 'FROM node:24-bookworm-slim AS build\nCOPY . .\nRUN npm ci --ignore-scripts\nRUN npm run gen\nRUN npm run typecheck\nRUN npm run build\nUSER node\n';
    expect(checkDockerfile(single, CI.commands)).toEqual([
      'expected a multi-stage build, found 1 stage(s)',
      'final stage copies nothing from the build stage (COPY --from=build)',
    ]);
  });

  it('a build stage that skips or reorders a CI step', () => {
    expect(checkDockerfile(DOCKERFILE.replace(/^RUN npm run typecheck$/m, ''), CI.commands).join('\n')).toMatch(/build stage RUN/);
    expect(checkDockerfile(DOCKERFILE.replace(/^RUN npm run build$/m, ''), CI.commands).join('\n')).toMatch(/build stage RUN/);
    expect(checkDockerfile(DOCKERFILE, ['npm ci --ignore-scripts', 'npm run typecheck', 'npm run gen', 'npm run build']).join('\n')).toMatch(/build stage RUN/);
  });

  it('a runtime image that is not Node LTS', () => {
    const last = DOCKERFILE.lastIndexOf('FROM node:24-bookworm-slim AS runtime');
    const swap = (image: string) => DOCKERFILE.slice(0, last) + DOCKERFILE.slice(last).replace('node:24-bookworm-slim', image);
    expect(checkDockerfile(swap('node:23-bookworm-slim'), CI.commands).join('\n')).toMatch(/Node LTS|even major/);
    expect(checkDockerfile(swap('node:18-bookworm-slim'), CI.commands).join('\n')).toMatch(/even major/);
    expect(checkDockerfile(swap('debian:bookworm-slim'), CI.commands).join('\n')).toMatch(/even major/);
  });
});
