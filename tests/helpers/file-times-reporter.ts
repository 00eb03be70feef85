/**
 * A vitest reporter for CI (.ci/run): appends one JSON line per test file to
 * the file named by CREDFED_FILE_TIMES — `{"file","started":true}` when the
 * file starts and `{"file","seconds"}` when it ends, seconds being the whole
 * file: environment, harness, import and suite collection, setup files, and
 * every test and hook (beforeAll/afterAll included). Written as it goes, so a
 * run killed by its time limit still names the files that had not finished.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const out = process.env.CREDFED_FILE_TIMES;

function write(line: Record<string, unknown>): void {
  if (out) fs.appendFileSync(out, `${JSON.stringify(line)}\n`);
}

function name(module: TestModule): string {
  return path.relative(process.cwd(), module.moduleId);
}

export default class FileTimesReporter implements Reporter {
  onTestModuleStart(module: TestModule): void {
    write({ file: name(module), started: true });
  }

  onTestModuleEnd(module: TestModule): void {
    const d = module.diagnostic();
    const ms = d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
    write({ file: name(module), seconds: Math.round(ms) / 1000 });
  }
}
