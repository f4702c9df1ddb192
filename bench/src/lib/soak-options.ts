import path from 'node:path';
import { parseArgs } from 'node:util';

export interface SoakOptions {
  minutes: number;
  /** Requests per second over all kinds, arriving at a fixed rate whatever the answers take. */
  rate: number;
  sampleSeconds: number;
  /** Unmeasured load at the same rate before the soak, so the JIT and the pools settle first. */
  warmupSeconds: number;
  /** The raw node:http + pg floor under the GET-by-id share of the load; 0 skips it. */
  baselineSeconds: number;
  rows: number;
  followers: number;
  /** Where to write the figures as JSON; resolved against the directory `npm run` was called from. */
  jsonPath: string | undefined;
  /** Leave PostgreSQL's autovacuum as the server has it, even when off. */
  autovacuumAsConfigured: boolean;
  /** Flags for the takst server's node, e.g. V8 heap settings to compare. */
  nodeFlags: string[];
}

/** The heap limits `npm start` and the Docker image give the server (NODE_OPTIONS): the soak measures what ships. */
export const SHIPPED_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=16'];

export const SOAK_USAGE = `usage: npm run bench:soak -- [options]

  --minutes <n>           soak length (default 30; fractions allowed)
  --rate <n>              requests per second over the whole mix, open loop (default 200)
  --sample-seconds <n>    one sample window every n seconds (default 10)
  --warmup-seconds <n>    unmeasured load before the soak (default 30)
  --baseline-seconds <n>  raw node:http + pg baseline under the GET share (default 60; 0 skips it)
  --rows <n>              assignments to seed (default 5000)
  --followers <n>         SSE event followers connected for the whole run (default 3)
  --json <file>           also write the figures to this file
  --autovacuum-as-configured
                          keep PostgreSQL's autovacuum off if the server has it off (by default
                          the soak turns it on for the run and puts the setting back after)
  --node-flags=<flags>    flags for the takst server's node instead of npm start's heap limit
                          (${SHIPPED_NODE_FLAGS.join(' ')}), e.g. --node-flags="--max-semi-space-size=32"
  --help`;

function numberOption(raw: string | undefined, name: string, fallback: number, min: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, got "${raw}"`);
  }
  return value;
}

/** The options, or null when --help asked for the usage. */
export function readSoakOptions(args: string[], callerDirectory: string): SoakOptions | null {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      'sample-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      'baseline-seconds': { type: 'string' },
      rows: { type: 'string' },
      followers: { type: 'string' },
      json: { type: 'string' },
      'autovacuum-as-configured': { type: 'boolean' },
      'node-flags': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  const options: SoakOptions = {
    minutes: numberOption(values.minutes, 'minutes', 30, 0.5, false),
    rate: numberOption(values.rate, 'rate', 200, 1, false),
    sampleSeconds: numberOption(values['sample-seconds'], 'sample-seconds', 10, 1, true),
    warmupSeconds: numberOption(values['warmup-seconds'], 'warmup-seconds', 30, 0, true),
    baselineSeconds: numberOption(values['baseline-seconds'], 'baseline-seconds', 60, 0, true),
    rows: numberOption(values.rows, 'rows', 5_000, 100, true),
    followers: numberOption(values.followers, 'followers', 3, 0, true),
    jsonPath: values.json === undefined ? undefined : path.resolve(callerDirectory, values.json),
    autovacuumAsConfigured: values['autovacuum-as-configured'] ?? false,
    nodeFlags:
      values['node-flags'] === undefined
        ? SHIPPED_NODE_FLAGS
        : values['node-flags'].split(/\s+/).filter((flag) => flag !== ''),
  };
  const notAFlag = options.nodeFlags.find((flag) => !flag.startsWith('--'));
  if (notAFlag) throw new Error(`--node-flags takes node's own flags (each starting with --), got "${notAFlag}"`);
  if (options.minutes * 60 < 3 * options.sampleSeconds) {
    throw new Error('--minutes must cover at least three sample windows');
  }
  return options;
}
