/**
 * The environment a CLI run reads its configuration overrides from
 * (DATABASE_URL, CREDFED_*): the process's in the real CLI, the caller's own
 * when main(argv, io) runs in-process (tests run commands so, with an
 * environment that leaves out the test run's DATABASE_URL). main() sets it
 * for each run, as it names the command for the audit log.
 */
import { loadConfig } from '../config/load-config.js';
import type { NodeConfig } from '../config/node-config.js';

export type CliEnv = Readonly<Record<string, string | undefined>>;

let env: CliEnv = process.env;

/** main() sets the environment of the command being run. */
export function setCliEnv(next: CliEnv): void {
  env = next;
}

/** The node configuration in `file`, with the run's environment overrides applied. */
export function loadCliConfig(file: string): NodeConfig {
  return loadConfig(file, env);
}
