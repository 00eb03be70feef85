// The logger keeps allow-listed fields only (child bindings included), makes
// errors safe (no details, causes or extra properties) and masks anything
// shaped like a resident identity number in messages and values (issue 9,
// point 2; DESIGN.md §6.6).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { createLogger, lazyChild, MASKED_NUMBER } from '../../../src/obs/logger.js';

const RIC = '11010519491231002X';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', node: 'city', destination }) };
}

describe('createLogger', () => {
  it('keeps allowed fields and drops unknown ones, payloads and identifiers', () => {
    const { lines, log } = capture();
    log.info({ partner: 'county-a', count: 3, durationMs: 12, payload: Buffer.from('record bytes'), identifier: RIC, name: '王芳', novel: 1 }, 'pushed');
    expect(lines).toHaveLength(1);
    const { time, pid, hostname, ...line } = lines[0]!;
    expect(typeof time).toBe('number');
    expect(line).toEqual({ level: 30, node: 'city', partner: 'county-a', count: 3, durationMs: 12, msg: 'pushed' });
    void pid;
    void hostname;
  });

  it("a call's lazy child writes with the call's filtered bindings, at enabled levels only", () => {
    const { lines, log } = capture();
    log.level = 'info';
    const call = lazyChild(log, { method: 'Recognize', requestId: 'r-2', subjectName: '王芳' });
    call.debug({ count: 1 }, 'below the level');
    call.info({ count: 2 }, 'written');
    call.warn({ count: 3, identifier: RIC }, 'warned');
    expect(lines.map((l) => [l.msg, l.method, l.requestId, l.count])).toEqual([
      ['written', 'Recognize', 'r-2', 2],
      ['warned', 'Recognize', 'r-2', 3],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/王芳|subjectName|identifier|11010519491231002X/);
  });

  it('filters the bindings of child loggers, and of their children', () => {
    const { lines, log } = capture();
    const child = log.child({ method: 'PushRecords', requestId: 'r-1', subjectName: '王芳' }).child({ partner: 'county-a', identifier: RIC });
    child.warn({}, 'x');
    expect(lines[0]).toMatchObject({ method: 'PushRecords', requestId: 'r-1', partner: 'county-a' });
    expect(JSON.stringify(lines[0])).not.toMatch(/王芳|subjectName|identifier|11010519491231002X/);
  });

  it('keeps an allowed field only with a plain value: objects (a record, a request) are dropped', () => {
    const { lines, log } = capture();
    log.info({ reason: { subject: { name: '王芳' } }, status: 'active', years: [2025, 2026] }, 'x');
    expect(lines[0]).toMatchObject({ status: 'active', years: [2025, 2026] });
    expect(lines[0]).not.toHaveProperty('reason');
  });

  it('reduces an error to its class, code and message; a catalogued, gRPC or system error without stack, a bug with one', () => {
    const { lines, log } = capture();
    const refusal = new CredfedError('IDENTIFIER_INVALID', `resident id ${RIC} is wrong`);
    Object.assign(refusal, { record: { name: '王芳' } });
    log.warn({ err: refusal }, 'call refused');
    const bug = Object.assign(new TypeError('x is undefined'), { request: { identifier: RIC } });
    log.error({ err: bug }, 'call failed');
    expect(lines[0]!.err).toEqual({ type: 'CredfedError', code: 'IDENTIFIER_INVALID', message: expect.stringContaining(`resident id ${MASKED_NUMBER} is wrong`) });
    expect(lines[1]!.err).toMatchObject({ type: 'TypeError', message: 'x is undefined', stack: expect.stringContaining('TypeError: x is undefined') });
    expect(JSON.stringify(lines)).not.toMatch(/王芳|11010519491231002X/);
    // A peer's gRPC status and a refused connection are operational, not bugs.
    log.warn({ err: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} }) }, 'stream failed');
    log.warn({ err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7400'), { code: 'ECONNREFUSED', address: '127.0.0.1' }) }, 'connect failed');
    expect(lines[2]!.err).toEqual({ type: 'Error', code: 14, message: '14 UNAVAILABLE: No connection established' });
    expect(lines[3]!.err).toEqual({ type: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:7400' });
  });

  it('masks numbers shaped like resident identity numbers in messages and values, valid or not', () => {
    const { lines, log } = capture();
    log.info({ reason: `no subject for ${RIC.toLowerCase()}` }, `looked up ${RIC} and 110105194912310021 and 110105491231002`);
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/11010519491231002|110105491231002/);
    expect(lines[0]!.msg).toBe(`looked up ${MASKED_NUMBER} and ${MASKED_NUMBER} and ${MASKED_NUMBER}`);
    // Other numbers stay: counts, ports, timestamps, a 32-hex-digit serial.
    log.info({ serial: '5A1F00000000000000000000000000FF', listen: '127.0.0.1:7400' }, 'took 1733400000000 ms');
    expect(lines[1]).toMatchObject({ serial: '5A1F00000000000000000000000000FF', listen: '127.0.0.1:7400', msg: 'took 1733400000000 ms' });
  });

  it('masks the message pino takes from an error logged without one', () => {
    const { lines, log } = capture();
    log.error(new Error(`bad ${RIC}`));
    expect(JSON.stringify(lines[0])).not.toContain(RIC);
  });
});
