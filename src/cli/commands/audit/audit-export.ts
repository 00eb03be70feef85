/** `credfed audit export`: entries as NDJSON, by partner and time. */
import fs from 'node:fs';
import { listEntries } from '../../../audit/audit-entries.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';

const PAGE = 1000;

export const auditExportCommand: Command = {
  name: 'audit export',
  summary: 'write audit entries (one partner, a time range) as NDJSON',
  options: { config: { type: 'string', short: 'c' }, partner: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
  help: `Usage: credfed audit export --config FILE [--partner P] [--from TIME] [--to TIME] [--out FILE]

Writes the audit entries, oldest first, one JSON object per line: chain, seq,
at, actor, partner, certificateFingerprint, method, purpose, subject,
reference, decision, reason, agreementId, agreementVersion, record counts,
prevHash, hash. --from is inclusive, --to exclusive (ISO 8601, e.g.
2026-11-01 or 2026-11-01T00:00:00+08:00). To stdout unless --out.

${STORE_NOTE}

EXAMPLES
  credfed audit export -c city.yaml --partner city-b --from 2026-11-01 --to 2026-12-01 --out city-b-2026-11.ndjson
  credfed audit export -c city.yaml | jq -c 'select(.decision == "deny")'
`,
  async run({ values }, io) {
    const when = (name: 'from' | 'to') => {
      const v = values[name];
      if (v === undefined) return undefined;
      const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? `${String(v)}T00:00:00+08:00` : String(v));
      if (Number.isNaN(d.getTime())) throw new UsageError(`--${name}: "${String(v)}" is not a date or time`);
      return d;
    };
    const filter = { ...(typeof values.partner === 'string' ? { partner: values.partner } : {}), from: when('from'), to: when('to') };
    const outFile = typeof values.out === 'string' ? values.out : undefined;
    const fd = outFile ? fs.openSync(outFile, 'w') : undefined;
    let written = 0;
    try {
      await withNodeStore(values, async (store) => {
        let token: string | undefined;
        do {
          const page = await listEntries(store, filter, { size: PAGE, ...(token ? { pageToken: token } : {}) });
          const text = page.items.map((e) => `${JSON.stringify({ ...e, at: e.at.toISOString() })}\n`).join('');
          if (fd !== undefined) fs.writeSync(fd, text);
          else {
            io.out(text);
            await io.drain?.();
          }
          written += page.items.length;
          token = page.nextPageToken;
        } while (token);
      });
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    io.err(`${written} entries exported${outFile ? ` to ${outFile}` : ''}\n`);
    return EXIT.OK;
  },
};
