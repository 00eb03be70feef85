// The rest of deploy/: the example configurations parse with the project's own
// parser, the systemd unit runs the same command as the image, the compose
// init script is valid bash, and the index names every file that is there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseConfig } from '../../../src/config/parse-config.js';
import { DEPLOY_DIR } from './deploy-checks.js';

/** Every file under deploy/, relative to it. */
function deployFiles(dir = DEPLOY_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? deployFiles(full) : [path.relative(DEPLOY_DIR, full)];
  });
}

describe('deploy/', () => {
  it('has example configurations that parse, but for the key files they expect on the host', () => {
    for (const name of ['city', 'county-a']) {
      const file = path.join(DEPLOY_DIR, `examples/${name}.yaml`);
      const parsed = parseConfig(YAML.parse(fs.readFileSync(file, 'utf8')), {}, path.dirname(file), file);
      // persons.* key files are read while parsing; they live under /etc/credfed on a real host.
      const problems = (parsed.error ?? []).filter((p) => !/^persons\.\S+: \/etc\/credfed\/keys\/\S+: cannot be read \(ENOENT\)$/.test(p));
      expect(problems, name).toEqual([]);
    }
  });

  it('has a systemd unit running the command the image runs', () => {
    const unit = fs.readFileSync(path.join(DEPLOY_DIR, 'credfed.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/credfed\/bin\/credfed\.js serve --config \S+$/m);
    expect(unit).toMatch(/^User=(?!root)\w+$/m);
  });

  it('has a compose init script that bash can parse', () => {
    const result = spawnSync('bash', ['-n', path.join(DEPLOY_DIR, 'compose/postgres-init.sh')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('indexes its files in deploy/README.md, and indexes no file that is missing', () => {
    const index = fs.readFileSync(path.join(DEPLOY_DIR, 'README.md'), 'utf8');
    const listed = [...index.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    expect(listed.length).toBeGreaterThan(10);
    for (const file of listed) expect(fs.existsSync(path.join(DEPLOY_DIR, file)), file).toBe(true);
    // Every file except README.md itself and grafana/ (the dashboards, indexed there).
    const files = deployFiles().filter((f) => f !== 'README.md' && !f.startsWith('grafana/'));
    expect(files.filter((f) => !listed.includes(f))).toEqual([]);
  });
});
