import type { StatusResponse } from '../../gen/credfed/v1/admin.js';
import { fetchStatus, targetFromConfig, targetsFromManifest, type AdminTarget } from '../admin-call.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { formatTable } from '../table.js';

interface NodeReport {
  node: string;
  endpoint: string;
  reachable: boolean;
  error?: string;
  status?: ReturnType<typeof StatusJson>;
}

export const syncStatusCommand: Command = {
  name: 'sync status',
  summary: 'show per node and partner: pending, last acknowledged, lag',
  options: {
    'data-dir': { type: 'string' },
    config: { type: 'string', short: 'c' },
    cert: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed sync status [--data-dir DIR] [--json]
       credfed sync status --config FILE --cert ADMIN.crt --key ADMIN.key [--json]

Asks each node over mutual TLS (Admin.Status, admin certificate) for its sync
state and prints, per node and partner: records pending (queued, not yet
acknowledged), the last acknowledged sequence, lag in records and seconds,
records rejected by the partner, and what the node received from it.

Without --config it reports the local federation that \`credfed up\`
(npm start) recorded under DIR (default .credfed). With --config it asks the
one node that file configures, using the given admin certificate.
Exit code: 0 when every node answered, 1 otherwise.

Options:
      --data-dir DIR   where \`credfed up\` keeps its federation (default .credfed)
  -c, --config FILE    ask the node this configuration describes
      --cert FILE      admin certificate (with --config)
      --key FILE       admin key (with --config)
      --json           print JSON on stdout

EXAMPLES
  npx credfed sync status
  npx credfed sync status --json | jq '.nodes[].status.partners'
  credfed sync status -c /etc/credfed/city.yaml --cert admin.crt --key admin.key
`,
  async run({ values }, io) {
    const targets = resolveTargets(values);
    const reports = await Promise.all(targets.map(report));
    if (values.json) io.out(`${JSON.stringify({ nodes: reports }, null, 2)}\n`);
    else io.out(render(reports));
    return reports.every((r) => r.reachable) ? EXIT.OK : EXIT.FAILED;
  },
};

function resolveTargets(values: Record<string, string | boolean | undefined>): AdminTarget[] {
  if (typeof values.config === 'string') {
    if (typeof values.cert !== 'string' || typeof values.key !== 'string') throw new UsageError('--config needs --cert and --key (an admin certificate)');
    return [targetFromConfig(values.config, values.cert, values.key)];
  }
  return targetsFromManifest(typeof values['data-dir'] === 'string' ? values['data-dir'] : '.credfed');
}

async function report(t: AdminTarget): Promise<NodeReport> {
  try {
    return { node: t.nodeId, endpoint: t.endpoint, reachable: true, status: StatusJson(await fetchStatus(t)) };
  } catch (e) {
    return { node: t.nodeId, endpoint: t.endpoint, reachable: false, error: (e as Error).message };
  }
}

const iso = (ts?: { seconds: number; nanos: number }) => (ts ? new Date(ts.seconds * 1000 + ts.nanos / 1e6).toISOString() : null);

/** The JSON shape of one node's status: plain numbers and ISO times. */
function StatusJson(s: StatusResponse) {
  return {
    nodeId: s.nodeId,
    federation: s.federation,
    storeBackend: s.storeBackend,
    version: s.version,
    startedAt: iso(s.startedAt),
    recordsHeld: s.recordsHeld,
    partners: s.partners.map((p) => ({
      partnerId: p.partnerId,
      kind: p.kind,
      push: p.push,
      endpoint: p.endpoint,
      pending: p.pending,
      lastSeq: p.lastSeq,
      lastAckedSeq: p.lastAckedSeq,
      lastAckedAt: iso(p.lastAckedAt),
      lagRecords: p.pending,
      lagSeconds: Math.round(p.lagSeconds * 10) / 10,
      rejected: p.rejected,
      sending: p.sending,
      lastError: p.lastError,
      inbound: { lastSeq: p.inboundLastSeq, lastAt: iso(p.inboundLastAt), accepted: p.inboundAccepted, unchanged: p.inboundUnchanged, rejected: p.inboundRejected },
    })),
  };
}

function render(reports: NodeReport[]): string {
  const rows: string[][] = [];
  for (const r of reports) {
    if (!r.reachable) {
      rows.push([r.node, '-', 'unreachable', '', '', '', '', '', r.error ?? '']);
      continue;
    }
    for (const p of r.status!.partners) {
      if (p.push) rows.push([r.node, p.partnerId, 'push', String(p.pending), String(p.lastAckedSeq), `${p.lagSeconds}s`, String(p.rejected), p.lastAckedAt ?? '-', p.lastError]);
      if (p.inbound.lastSeq > 0 || !p.push) rows.push([r.node, p.partnerId, 'receive', '', String(p.inbound.lastSeq), '', String(p.inbound.rejected), p.inbound.lastAt ?? '-', `${p.inbound.accepted} accepted`]);
    }
  }
  const header = ['NODE', 'PARTNER', 'DIRECTION', 'PENDING', 'LAST SEQ', 'LAG', 'REJECTED', 'LAST AT', 'NOTE'];
  const held = reports.filter((r) => r.status).map((r) => `${r.node}: ${r.status!.recordsHeld} records held (${r.status!.storeBackend})`);
  return `${formatTable(header, rows)}\n${held.join('\n')}\n`;
}
