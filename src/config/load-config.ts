import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CredfedError } from '../core/errors.js';
import type { NodeConfig } from './node-config.js';
import { parseConfig } from './parse-config.js';

/**
 * Reads a node's configuration file (YAML or JSON), applies environment
 * overrides and validates it once. Throws CONFIG_NOT_FOUND or CONFIG_INVALID
 * listing every problem.
 */
export function loadConfig(file: string, env: Record<string, string | undefined> = process.env): NodeConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch {
    throw new CredfedError('CONFIG_NOT_FOUND', abs);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new CredfedError('CONFIG_INVALID', `${abs}: not valid YAML or JSON: ${(e as Error).message}`, { problems: ['syntax'] });
  }
  const parsed = parseConfig(doc, env, path.dirname(abs), abs);
  if (parsed.error) {
    throw new CredfedError('CONFIG_INVALID', `${abs}:\n  - ${parsed.error.join('\n  - ')}`, { problems: parsed.error });
  }
  return parsed.value;
}

/** Writes a configuration document as YAML (used by `credfed up`). */
export function writeConfig(file: string, doc: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(doc));
}
