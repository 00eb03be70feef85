// The CLI loads a command's group by its first word (src/cli/main.ts): every
// command must be reachable through the group that holds it, and no word may
// lead to two groups.
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/command.js';
import { allCommands, COMMAND_GROUPS, main } from '../../src/cli/main.js';

/** Runs main in this process; returns the exit code and stdout. */
async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: Io = { out: (t) => void (out += t), err: () => {}, isTty: false };
  return { code: await main(argv, io), out };
}

describe('command groups', () => {
  it("each command's first word names the group that holds it, and no word is claimed twice", async () => {
    const words = COMMAND_GROUPS.flatMap((g) => g.words);
    expect(new Set(words).size).toBe(words.length);
    for (const group of COMMAND_GROUPS) {
      const commands = await group.load();
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(group.words).toContain(command.name.split(' ')[0]);
      // every word of the group is used by one of its commands
      for (const word of group.words) expect(commands.some((c) => c.name.split(' ')[0] === word)).toBe(true);
    }
  });

  it('every command answers --help through main, and the usage lists every command once', async () => {
    const commands = await allCommands();
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const usage = await run(['--help']);
    expect(usage.code).toBe(0);
    for (const command of commands) {
      expect(usage.out).toContain(`\n  ${command.name}  `);
      expect(await run([...command.name.split(' '), '--help'])).toEqual({ code: 0, out: command.help });
    }
  });
});
