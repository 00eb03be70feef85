import { CreditRecord, RecordStatus } from '../../gen/credfed/v1/record.js';
import { err, type Result } from '../result.js';
import { validateRecord, type RecordProblem } from './validate-record.js';

const MAX_LINE_CHARS = 1_000_000;

/**
 * Parses one NDJSON line (the protobuf JSON form of a CreditRecord) for a
 * local import at `originId`. The origin defaults to this node and may not
 * name another; the version is assigned by the store; status defaults to
 * active; reported-at defaults to `now`.
 */
export function parseRecordJson(line: string, originId: string, now: Date): Result<CreditRecord, RecordProblem> {
  if (line.length > MAX_LINE_CHARS) {
    return err({ reason: 'IMPORT_LINE_INVALID', field: '', message: `line is longer than ${MAX_LINE_CHARS} characters` });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    return err({ reason: 'IMPORT_LINE_INVALID', field: '', message: `not valid JSON: ${(e as Error).message}` });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return err({ reason: 'IMPORT_LINE_INVALID', field: '', message: 'expected a JSON object' });
  }
  let record: CreditRecord;
  try {
    record = CreditRecord.fromJSON(doc);
  } catch (e) {
    return err({ reason: 'RECORD_FIELD_INVALID', field: '', message: (e as Error).message });
  }
  if (record.originId && record.originId !== originId) {
    return err({
      reason: 'RECORD_ORIGIN_MISMATCH',
      field: 'origin_id',
      message: `origin_id "${record.originId}" is not this node ("${originId}"); import records at their origin`,
    });
  }
  const ms = now.getTime();
  return validateRecord(
    {
      ...record,
      originId,
      status: record.status || RecordStatus.RECORD_STATUS_ACTIVE,
      reportedAt: record.reportedAt ?? { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
    },
    { requireVersion: false },
  );
}
