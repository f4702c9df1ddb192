import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@takst/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { listeningLine, requestInFlight, spawnServer } from './support/process';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// Under the repo, not in a 0700 temp folder: the postgres user must be able to reach it.
const dataRoot = path.join(repoRoot, '.data');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );

/**
 * `npm start` as the root package.json defines it, less its build step (the test run built
 * dist/main.js already, and rebuilding it under other tests' feet could hand them half a file):
 * a package of its own whose start script changes to the repository and runs the same command.
 */
async function npmStart(env: Record<string, string>) {
  const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [build, serve] = (scripts.start ?? '').split(' && ');
  expect(build).toMatch(/^turbo run build --filter=@takst\/server --filter=@takst\/console\b/);
  expect(serve).toMatch(
    /^NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=16 \$\{NODE_OPTIONS:-\}" exec node apps\/server\/dist\/main\.js$/,
  );
  const dir = path.join(dataRoot, `test-npm-${process.pid}-${cleanups.length}`);
  await mkdir(dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const start = `cd ${JSON.stringify(repoRoot)} && ${serve}`;
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ private: true, scripts: { start } }));

  // A process group of its own, as a terminal gives `npm start`: a Ctrl-C signals the whole group.
  const npm = spawn('npm', ['start'], {
    cwd: dir,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      npm_config_update_notifier: 'false',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = npm.pid as number;
  cleanups.push(async () => {
    if (npm.exitCode === null && npm.signalCode === null) process.kill(-group, 'SIGKILL');
  });
  let out = '';
  let err = '';
  npm.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = exitOf(npm);
  const listening = new Promise<URL>((resolve, reject) => {
    npm.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = listeningLine(out);
      if (line) resolve(new URL(line.url));
    });
    exited.then((code) => reject(new Error(`npm start exited with ${code} before listening:\n${err}\n${out}`)));
  });
  return {
    listening,
    exited,
    signalGroup: (signal: NodeJS.Signals) => process.kill(-group, signal),
    stdout: () => out,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdown under npm start', () => {
  it('on a Ctrl-C to the process group, answers the request in flight on the embedded PostgreSQL and exits 0', async () => {
    const dataDir = path.join(dataRoot, `test-npm-embedded-${process.pid}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const key = generateApiKey();
    const server = await npmStart({ TAKST_DATA_DIR: dataDir, TAKST_BOOTSTRAP_ADMIN_KEY: key });
    const url = await server.listening;
    // The heap limits npm start sets: 192 MB of old generation, plus a young generation of three
    // semi-spaces of 16 MB (240 MB on Node 20 and 24 alike); without them V8 takes GBs.
    const heapLimitMb = listeningLine(server.stdout())?.heapLimitMb ?? 0;
    expect(heapLimitMb).toBe(240);
    const inFlight = requestInFlight(url, key, 'sent across a Ctrl-C');
    await sleep(200);
    server.signalGroup('SIGINT');
    // The request writes to PostgreSQL only after the signal, so PostgreSQL must still be there.
    await sleep(300);
    inFlight.finish();

    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ result: { data: { notes: 'sent across a Ctrl-C' } } });
    expect(await server.exited).toBe(0);
    expect(server.stdout()).not.toContain('57P01');
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(dataDir);
  }, 60_000);
});

describe('a signal repeated during shutdown', () => {
  it('within two seconds (npm relaying it, say) does not cut the request in flight', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const key = generateApiKey();
    const server = spawnServer({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: key });
    cleanups.push(() => server.stop('SIGKILL'));
    const inFlight = requestInFlight(new URL(await server.listening), key, 'sent across two SIGTERMs');
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(100);
    server.child.kill('SIGTERM');
    await sleep(200);
    inFlight.finish();

    expect((await inFlight.answer).status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('signal repeated: still shutting down');
  });
});

describe('logging to a closed pipe', () => {
  it('does not keep the process from exiting (stdout piped to a tee that a Ctrl-C ended)', async () => {
    const logger = fileURLToPath(new URL('../src/logger.ts', import.meta.url));
    const script = `
      const { createLogger } = await import(${JSON.stringify(logger)});
      const log = createLogger({ LOG_LEVEL: 'info' });
      setTimeout(() => { log.info('shutting down'); log.warn('exiting'); process.exit(0); }, 300);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    // Nobody reads the pipe any more: every write to it fails with EPIPE.
    child.stdout?.destroy();
    const exited = exitOf(child);
    expect(await Promise.race([exited, sleep(10_000).then(() => 'still running')])).toBe(0);
  }, 20_000);
});
