// `credfed ids check` through the real CLI entry point (main) with an
// in-memory Io: arguments, stdin streamed line by line, --json field order and
// values, --scheme forcing, ambiguity, masking, exit codes.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT, type Io } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `credfed ids check …args`, with `stdin` (a string, or lines produced lazily) when given. */
async function idsCheck(args: string[], stdin?: string | Iterable<string | Buffer>): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTty: false,
    stdin: stdin === undefined ? undefined : Readable.from(typeof stdin === 'string' ? [stdin] : stdin),
  };
  const code = await main(['ids', 'check', ...args], io);
  expect(stderr).not.toContain('unexpected error');
  return { code, stdout, stderr };
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const AMBIGUOUS = '110105194912310409';

describe('credfed ids check', () => {
  it('--help has EXAMPLES and says resident IDs are masked unless --unmasked', async () => {
    const r = await idsCheck(['--help']);
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('Usage: credfed ids check');
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('cut -d, -f3 export.csv | credfed ids check --json');
    expect(r.stdout).toContain('--unmasked');
    expect(r.stdout).toMatch(/masked/);
  });

  it('is listed in the top-level help', async () => {
    let out = '';
    await main(['--help'], { out: (t) => void (out += t), err: () => {}, isTty: false });
    expect(out).toContain('ids check');
  });

  it('exits 0 when every argument is valid, printing scheme, normalised form and USCC derivations', async () => {
    const r = await idsCheck(['９１１１００００６０００３７３４１Ｌ', 'd2143569-x', '110108000000016']);
    expect(r.code).toBe(EXIT.OK);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SCHEME\s+NORMALIZED\s+RESULT\s+DETAILS$/);
    expect(lines[1]).toMatch(/^uscc\s+91110000600037341L\s+valid\s+org 600037341; authority 9 工商; type 91 企业; division 110000 \(北京市\)$/);
    expect(lines[2]).toMatch(/^org\s+D2143569X\s+valid$/);
    expect(lines[3]).toMatch(/^regno\s+110108000000016\s+valid$/);
    expect(r.stderr).toBe('3 checked: 3 valid, 0 invalid, 0 ambiguous\n');
  });

  it('exits 3 when some are invalid or ambiguous, naming the rule', async () => {
    const r = await idsCheck(['91110000600037341L', '91110000600037341K', AMBIGUOUS]);
    expect(r.code).toBe(EXIT.PARTIAL);
    expect(r.stdout).toMatch(/uscc\?\s+91110000600037341K\s+INVALID\s+check character: expected L, found K/);
    expect(r.stdout).toMatch(/ambiguous\s+110105\*{8}0409\s+ambiguous\s+ambiguous: valid as uscc and ric/);
    expect(r.stderr).toContain('3 checked: 1 valid, 1 invalid, 1 ambiguous');
  });

  it('exits 3 for an ambiguous input alone', async () => {
    expect((await idsCheck([AMBIGUOUS])).code).toBe(EXIT.PARTIAL);
  });

  it('--json prints one object per input, in order, the five fields first', async () => {
    const r = await idsCheck(['--json', '91110000600037341L', 'D2143569-1', '14082500a000118', AMBIGUOUS, '', '12345']);
    expect(r.code).toBe(EXIT.PARTIAL);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(Object.keys(row).slice(0, 5)).toEqual(['input', 'scheme', 'normalized', 'valid', 'rule']);
    expect(rows[0]).toMatchObject({
      input: '91110000600037341L',
      scheme: 'uscc',
      normalized: '91110000600037341L',
      valid: true,
      rule: null,
      derived: { orgCode: '600037341', authority: '9', authorityName: '工商', entityType: '91', entityTypeName: '企业', divisionCode: '110000', province: '北京市' },
    });
    expect(rows[1]).toMatchObject({ input: 'D2143569-1', scheme: 'org', normalized: 'D21435691', valid: false, rule: 'check', expected: 'X', found: '1', schemeBy: 'guessed' });
    expect(rows[2]).toMatchObject({ scheme: 'regno', normalized: '14082500A000118', valid: true, rule: null, unverifiable: true });
    expect(rows[3]).toMatchObject({ scheme: 'ambiguous', valid: false, rule: 'ambiguous', candidates: ['uscc', 'ric'], masked: true });
    expect(rows[4]).toMatchObject({ input: '', scheme: null, normalized: '', valid: false, rule: 'empty' });
    expect(rows[5]).toMatchObject({ scheme: null, valid: false, rule: 'length' });
  });

  it('--scheme forces the scheme and resolves an ambiguity', async () => {
    const asUscc = await idsCheck(['--json', '--scheme', 'uscc', AMBIGUOUS]);
    expect(asUscc.code).toBe(EXIT.OK);
    expect(jsonLines(asUscc.stdout)[0]).toMatchObject({ input: AMBIGUOUS, scheme: 'uscc', normalized: AMBIGUOUS, valid: true, rule: null, schemeBy: 'forced' });
    const asOrg = await idsCheck(['--json', '--scheme', 'org', '91110000600037341L']);
    expect(asOrg.code).toBe(EXIT.PARTIAL);
    expect(jsonLines(asOrg.stdout)[0]).toMatchObject({ scheme: 'org', valid: false, rule: 'length' });
  });

  it('exits 2 on an unknown --scheme, printing the usage', async () => {
    const r = await idsCheck(['--scheme', 'tax', '91110000600037341L']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('--scheme must be uscc, org, regno or ric');
    expect(r.stdout).toBe('');
  });

  it('exits 2 with no arguments and no stdin', async () => {
    const r = await idsCheck([]);
    expect(r.code).toBe(EXIT.USAGE);
  });

  it('masks resident identity numbers in input, normalized and messages unless --unmasked', async () => {
    const masked = jsonLines((await idsCheck(['--json', ' 11010519491231002x ', '110105194902300020', '--scheme', 'ric'])).stdout);
    expect(masked[0]).toMatchObject({ input: '110105********002x', normalized: '110105********002X', valid: true, masked: true });
    expect(masked[1]).toMatchObject({ input: '110105********0020', rule: 'date', masked: true });
    expect(JSON.stringify(masked)).not.toContain('19491231');
    expect(JSON.stringify(masked)).not.toContain('19490230');
    const text = await idsCheck(['11010519491231002X']);
    expect(text.stdout).toContain('110105********002X');
    expect(text.stdout).not.toContain('19491231');
    const clear = jsonLines((await idsCheck(['--json', '--unmasked', '11010519491231002X', AMBIGUOUS])).stdout);
    expect(clear[0]).toMatchObject({ input: '11010519491231002X', normalized: '11010519491231002X', masked: false });
    expect(clear[1]).toMatchObject({ normalized: AMBIGUOUS, masked: false });
  });

  it('reads one identifier per line from stdin, reporting blank lines as empty and keeping the order', async () => {
    const r = await idsCheck(['--json'], '\uFEFF91110000600037341L\r\n\r\nD2143569-X\n  \n9144030071526726XG\n');
    expect(r.code).toBe(EXIT.PARTIAL);
    const rows = jsonLines(r.stdout);
    expect(rows.map((row) => [row.input, row.valid, row.rule])).toEqual([
      ['91110000600037341L', true, null],
      ['', false, 'empty'],
      ['D2143569-X', true, null],
      ['  ', false, 'empty'],
      ['9144030071526726XG', true, null],
    ]);
  });

  it('handles lines split across chunks', async () => {
    const r = await idsCheck(['--json'], ['9111000060', '0037341L\nD2143', '569-X\n11010800000001', '6']);
    expect(r.code).toBe(EXIT.OK);
    expect(jsonLines(r.stdout).map((row) => row.normalized)).toEqual(['91110000600037341L', 'D2143569X', '110108000000016']);
  });

  it('streams a large input: answers the first line before the last one is produced', async () => {
    const produced = { count: 0 };
    let answeredWhenProduced = -1;
    let stdout = '';
    function* lines() {
      for (let i = 0; i < 50_000; i++) {
        produced.count = i;
        yield '91110000600037341L\n';
      }
    }
    const io: Io = {
      out: (t) => {
        if (stdout === '') answeredWhenProduced = produced.count;
        stdout += t.length > 0 ? 'x' : '';
      },
      err: () => {},
      isTty: false,
      stdin: Readable.from(lines()),
    };
    expect(await main(['ids', 'check', '--json'], io)).toBe(EXIT.OK);
    expect(stdout.length).toBe(50_000);
    expect(answeredWhenProduced).toBeLessThan(49_999);
  });

  it('writes the answers of a chunk at once and waits for stdout to drain before reading on', async () => {
    const writes: string[] = [];
    const events: string[] = [];
    const io: Io = {
      out: (t) => void (writes.push(t), events.push('out')),
      err: () => {},
      isTty: false,
      stdin: Readable.from(['91110000600037341L\nD2143569-X\n', '110108000000016\n', 'D2143569-X']),
      drain: async () => void events.push('drain'),
    };
    expect(await main(['ids', 'check', '--json'], io)).toBe(EXIT.OK);
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([2, 1, 1]);
    expect(events).toEqual(['out', 'drain', 'out', 'drain', 'out']);
  });

  it('checks a line of several MiB on its first MiB, reporting its real length', async () => {
    const chunk = '9'.repeat(512 * 1024);
    const r = await idsCheck(['--json'], [chunk, chunk, chunk, chunk, chunk, '\n91110000600037341L\n']);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ valid: false, rule: 'length', inputLength: 5 * 512 * 1024 });
    expect((rows[0]!.input as string).length).toBeLessThanOrEqual(41);
    expect(rows[1]).toMatchObject({ valid: true });
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('９１１１００００６０００３７３４１Ｌ\n');
    const r = await idsCheck(['--json'], [bytes.subarray(0, 5), bytes.subarray(5)]);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ normalized: '91110000600037341L', valid: true });
  });

  it('rejects bad input on stdin without a crash, escaping control characters in the text output', async () => {
    const huge = '9'.repeat(10_000);
    const r = await idsCheck([], `9111\u001b[31m0000600037341L\n${huge}\n'; DROP TABLE subjects;--\n9111ΟΟΟΟ600037341L\n`);
    expect(r.code).toBe(EXIT.PARTIAL);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('U+001B');
    expect(r.stdout).not.toContain(huge);
    expect(r.stdout).toMatch(/length: expected 9 \(org\), 15 \(regno\) or 18 \(uscc, ric\) characters, found 10000/);
    expect(r.stdout).toMatch(/character set: ''' at position 1/);
    expect(r.stdout).toMatch(/uscc\?\s+9111ΟΟΟΟ600037341L\s+INVALID\s+character set: 'Ο' at position 5/);
    expect(r.stderr).toContain('4 checked: 0 valid, 4 invalid, 0 ambiguous');
  });

  it('an empty stdin checks nothing and exits 0', async () => {
    const r = await idsCheck(['--json'], '');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('0 checked');
  });
});
