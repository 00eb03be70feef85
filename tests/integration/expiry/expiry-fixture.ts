/**
 * Shared by the expiry tests: a real CA in a real test store, certificates it
 * issues (one RSA key reused to keep the tests fast), and a logger whose
 * lines are kept for assertions.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CaContext } from '../../../src/ca/ca-context.js';
import { initCa } from '../../../src/ca/ca-init.js';
import { unlockCa, type UnlockedCa } from '../../../src/ca/ca-unlock.js';
import { issueCertificate, type IssueRequest } from '../../../src/ca/issue-certificate.js';
import type { Clock } from '../../../src/core/clock.js';
import { createLogger, type Logger } from '../../../src/obs/logger.js';
import type { CertificateRow } from '../../../src/store/repos/certificates-repo.js';
import type { Store } from '../../../src/store/store.js';
import { tempDir, writePem } from '../../unit/ca/openssl-helpers.js';

export const FEDERATION = 'demo';
export const PASS = 'correct horse battery staple';

/** One JSON log line. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A logger at `level` writing into `lines`. */
export function captureLog(level = 'info'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) };
  return { log: createLogger({ level, node: 'city', destination }), lines };
}

export const WARN = 40;
export const ERROR = 50;

export interface CaFixture {
  readonly ctx: CaContext;
  readonly ca: UnlockedCa;
  readonly dir: string;
  /** A file holding PASS. */
  readonly passFile: string;
  /** The private key of every certificate `issue` makes. */
  readonly key: KeyObject;
  issue(request: Omit<IssueRequest, 'key'>): Promise<CertificateRow>;
}

/** Initialises the CA of node `nodeId` in `store` (its certificate valid for 3650 days from the clock). */
export async function createCaFixture(store: Store, clock: Clock, nodeId = 'city'): Promise<CaFixture> {
  const ctx: CaContext = { store, federation: FEDERATION, nodeId, clock };
  await initCa(ctx, { passphrase: PASS, commonName: `${FEDERATION} expiry test CA` });
  const ca = await unlockCa(store, FEDERATION, PASS);
  const dir = tempDir('credfed-expiry-');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  return {
    ctx,
    ca,
    dir,
    passFile: writePem(dir, 'ca.pass', `${PASS}\n`),
    key: privateKey,
    issue: async (request) => (await issueCertificate(ctx, ca, { ...request, key: { kind: 'existing', publicKey } })).row,
  };
}

export async function addPartner(store: Store, id: string, kind = 'child_county'): Promise<void> {
  await store.query(`INSERT INTO partners (partner_id, display_name, kind) VALUES ($1, $1, $2)`, [id, kind]);
}
