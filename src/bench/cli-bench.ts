/**
 * `npm run bench:cli [-- --runs N]`: how long the CLI takes, start to exit,
 * each figure beside its ceiling measured in the same run, the runs
 * interleaved round by round:
 *  - `credfed --version` beside `node -e 0` (target: within 0.25 s of it);
 *  - `credfed sync status` against a running local federation (`credfed up
 *    --records 0`, four nodes) beside `node -e 0`;
 *  - a store-opening command, `credfed partner list` on the city's embedded
 *    store once up has stopped, beside `--version` and beside opening and
 *    closing that store alone (PGlite's start: what the command waits for);
 *  - `credfed up --records 200` (the demo), first from fresh directories, then
 *    again on the same ones: spawn to ready, and its resident memory once
 *    settled (target: under 1024 MiB), beside the same of the empty
 *    federation above.
 * Prints JSON on stdout, progress on stderr. Uses only loopback ports it
 * found free and stops everything it started, also on error or a signal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../grpc/admin-service.js';
import { wholeNumberFlags } from './bench-stats.js';
import { freePortRun } from './free-ports.js';
import { interleaved, pairedDifference, spread, timeNode, type TimedRun } from './timed-process.js';
import { CREDFED_BIN, probeServe, probeUp, settledRss, spawnUp, stopEveryUp, type UpProbe } from './up-probe.js';

const TARGET_VERSION_OVER_NODE_SECONDS = 0.25;
const TARGET_UP_RSS_MIB = 1024;
/** One embedded gateway (`credfed serve`) once running. */
const TARGET_SERVE_RSS_MIB = 300;
const DEMO_RECORDS = 200;
const OPEN_STORE_ONCE = path.join(import.meta.dirname, 'open-store-once.js');

const { runs } = wholeNumberFlags('cli', { runs: { default: 15, min: 3 } });
const say = (msg: string) => process.stderr.write(`bench:cli: ${msg}\n`);

/** The CLI's environment without the caller's store or log overrides: every node uses its embedded store. */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && !k.startsWith('CREDFED_')));

const round2 = (x: number) => Math.round(x * 100) / 100;

const errors: string[] = [];
const failed = (what: string, r: TimedRun) => errors.push(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);

/** One run to check the command does what is timed (and to warm the disk cache). */
async function check(what: string, args: string[], expect: (r: TimedRun) => boolean): Promise<void> {
  const r = await timeNode(args, env);
  if (r.code !== 0 || !expect(r)) throw new Error(`${what} did not work (exit ${r.code}):\n${r.stdout}${r.stderr}`);
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-cli-'));
  const stopOnSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping what was started`);
    void stopEveryUp().finally(() => {
      fs.rmSync(work, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const bare = { name: 'node', args: ['-e', '0'] };
    const version = { name: 'credfed', args: [CREDFED_BIN, '--version'] };
    await check('credfed --version', version.args, (r) => r.stdout === `${VERSION}\n`);
    say(`--version beside node -e 0, ${runs} rounds`);
    const v = await interleaved([version, bare], runs, env, failed);
    const versionOverNode = pairedDifference(v.credfed!, v.node!);

    const fedPort = await freePortRun(4);
    say(`credfed up --records 0 on 127.0.0.1:${fedPort}-${fedPort + 3}`);
    const fed = spawnUp({ records: 0, basePort: fedPort, workDir: path.join(work, 'fed'), env });
    const emptyReady = await fed.ready;
    const sync = { name: 'credfed', args: [CREDFED_BIN, 'sync', 'status', '--data-dir', fed.dataDir] };
    await check('credfed sync status', sync.args, (r) => r.stdout.includes('neighbour: 0 records held'));
    say(`sync status beside node -e 0, ${runs} rounds`);
    const s = await interleaved([sync, bare], runs, env, failed);
    say('the empty federation: resident memory once settled');
    const emptyRss = await settledRss(fed.child.pid!);
    await fed.stop();

    const cityConfig = path.join(fed.dataDir, 'city', 'credfed.yaml');
    const partner = { name: 'credfed', args: [CREDFED_BIN, 'partner', 'list', '--config', cityConfig] };
    const storeAlone = { name: 'storeAlone', args: [OPEN_STORE_ONCE, path.join(fed.dataDir, 'city', 'data')] };
    await check('credfed partner list', partner.args, (r) => r.stdout.includes('county-a'));
    say(`partner list (embedded store) beside --version and the store opened alone, ${runs} rounds`);
    const p = await interleaved([partner, { ...version, name: 'version' }, storeAlone], runs, env, failed);

    const demoPort = await freePortRun(4);
    const demoOptions = { records: DEMO_RECORDS, basePort: demoPort, workDir: path.join(work, 'demo'), env };
    say(`credfed up --records ${DEMO_RECORDS} on 127.0.0.1:${demoPort}-${demoPort + 3}, fresh directories: start, then resident memory once settled`);
    const first = await probeUp(demoOptions);
    say('the same again on the same directories (a restart)');
    const restart = await probeUp(demoOptions);
    say("credfed serve on the city's embedded store alone (up stopped): start, then resident memory once settled");
    const serve = await probeServe(path.join(demoOptions.workDir, 'data', 'city', 'credfed.yaml'), env);
    const upFigures = (u: UpProbe) => ({
      startSeconds: u.startSeconds,
      milestones: u.milestones,
      rssMiB: u.rss.rssMiB,
      peakRssMiB: u.rss.peakRssMiB,
      rssSettled: u.rss.settled,
      rssSampledSeconds: u.rss.afterSeconds,
    });

    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'cli',
          node: process.version,
          cpus: os.availableParallelism(),
          /** One-minute load average at the start and the end: other work on the machine shows here (the ceilings absorb part of it). */
          loadAverage: { start: round2(loadAtStart), end: round2(os.loadavg()[0]!) },
          runs,
          version: {
            credfed: spread(v.credfed!),
            bareNode: spread(v.node!),
            differenceSeconds: versionOverNode,
            measured: 'spawn to exit of `node bin/credfed.js --version` and of `node -e 0`, interleaved; difference: median over the rounds of the two in the same round',
            target: { withinSecondsOfBareNode: TARGET_VERSION_OVER_NODE_SECONDS },
            met: versionOverNode <= TARGET_VERSION_OVER_NODE_SECONDS,
          },
          syncStatus: {
            credfed: spread(s.credfed!),
            bareNode: spread(s.node!),
            differenceSeconds: pairedDifference(s.credfed!, s.node!),
            measured: '`credfed sync status --data-dir D` against the four running nodes of `credfed up --records 0` (one Admin.Status call each over mutual TLS), interleaved with `node -e 0`',
          },
          partnerList: {
            credfed: spread(p.credfed!),
            version: spread(p.version!),
            storeOpenedAlone: spread(p.storeAlone!),
            overStoreOpenedAloneSeconds: pairedDifference(p.credfed!, p.storeAlone!),
            measured:
              "`credfed partner list --config <city's credfed.yaml>` on its embedded store (up stopped), interleaved with `credfed --version` and with a process that only opens and closes that store as the command does (PGlite start with 16 MiB shared_buffers, migrations checked): what the command waits for",
          },
          up: {
            records: DEMO_RECORDS,
            firstStart: upFigures(first),
            restart: upFigures(restart),
            emptyFederation: { startSeconds: emptyReady, rssMiB: emptyRss.rssMiB, peakRssMiB: emptyRss.peakRssMiB, rssSettled: emptyRss.settled },
            measured:
              '`credfed up --records N`: spawn to "running; Ctrl-C to stop" (everything synced), then VmRSS sampled every 500 ms until stable within 2% for 3 s (at most 30 s), and VmHWM; the four embedded stores are worker threads of that one process. firstStart: fresh data and certificates directories (certificates made, four stores created); restart: the same command again on them. emptyFederation: a first start with --records 0, earlier in this run',
            target: { rssMiB: TARGET_UP_RSS_MIB },
            met: first.rss.rssMiB < TARGET_UP_RSS_MIB && restart.rss.rssMiB < TARGET_UP_RSS_MIB,
          },
          serve: {
            startSeconds: serve.startSeconds,
            rssMiB: serve.rss.rssMiB,
            peakRssMiB: serve.rss.peakRssMiB,
            rssSettled: serve.rss.settled,
            measured: "`credfed serve --config <the city's credfed.yaml>` on its embedded store after up stopped: spawn to its 'listening on' log line, then VmRSS once stable as for up, and VmHWM",
            target: { rssMiB: TARGET_SERVE_RSS_MIB },
            met: serve.rss.rssMiB < TARGET_SERVE_RSS_MIB,
          },
          errors: errors.length,
        },
        null,
        2,
      )}\n`,
    );
    if (errors.length > 0) {
      say(`errors: ${errors.slice(0, 10).join(' | ')}`);
      process.exitCode = 1;
    }
  } finally {
    await stopEveryUp();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
