import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundle } from './support/browser-bundle';
import { startTestServer, type TestServer } from './support/server';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const sdkDir = path.join(repoRoot, 'packages/sdk');
const consumerSources = fileURLToPath(new URL('./sdk-consumer', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let workDir: string;
let tarball: string;
let consumerDir: string;

async function tsc(project: string[]) {
  const bin = path.join(consumerDir, 'node_modules/typescript/bin/tsc');
  return run(process.execPath, [bin, ...project], { cwd: consumerDir }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
}

let packedFiles: string[];

/**
 * One npm command, given two minutes and one more try. npm retries a registry request it cannot
 * verify for a minute and more before falling back to its cache: behind a proxy with its own
 * certificate authority that was every request, once turbo had dropped NODE_EXTRA_CA_CERTS
 * (turbo.json now passes it). Its debug log's last lines are printed when a step stalls or fails.
 */
async function npmStep(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_progress: 'false' };
  for (let attempt = 1; ; attempt++) {
    // npm's debug log (every level goes to the file), so a stall says where npm was.
    const logsDir = path.join(workDir, `npm-logs-${args[0]}-${attempt}`);
    try {
      return (await run(npm, [...args, `--logs-dir=${logsDir}`], { cwd, env, timeout: 120_000 })).stdout;
    } catch (error) {
      const { killed } = error as { killed?: boolean };
      const tail = await lastLogLines(logsDir, 40);
      if (!killed || attempt === 2) {
        console.warn(`npm ${args[0]} failed; the end of its debug log:\n${tail}`);
        throw error;
      }
      console.warn(`npm ${args[0]} stalled for 2 minutes; trying once more. The end of its debug log:\n${tail}`);
    }
  }
}

async function lastLogLines(logsDir: string, count: number): Promise<string> {
  try {
    const files = (await readdir(logsDir)).filter((file) => file.endsWith('.log')).sort();
    const last = files.at(-1);
    if (!last) return '(no debug log)';
    return (await readFile(path.join(logsDir, last), 'utf8')).trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no debug log)';
  }
}

beforeAll(async () => {
  // No build first: `npm pack` runs the package's prepack, which builds dist/.
  // Outside the workspace, so nothing resolves through the monorepo's node_modules.
  workDir = await mkdtemp(path.join(tmpdir(), 'takst-sdk-'));
  const packed = await npmStep(['pack', '--json', '--pack-destination', workDir], sdkDir);
  const [packResult] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(workDir, packResult?.filename ?? '');
  packedFiles = (packResult?.files ?? []).map((file) => file.path).sort();
  consumerDir = path.join(workDir, 'consumer');
  await run('mkdir', ['-p', consumerDir]);
  for (const file of await readdir(consumerSources)) {
    await copyFile(path.join(consumerSources, file), path.join(consumerDir, file));
  }
  await writeFile(
    path.join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }),
  );
  await npmStep(['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, 'typescript@5.9.3'], consumerDir);
  // npm pack builds the SDK, and npm install fetches tRPC from the registry: minutes on a busy
  // machine; each may be tried twice.
}, 540_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the packed @takst/sdk', () => {
  it('is built by npm pack itself (prepack) and holds only dist, the README, the changelog and package.json', () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/node.cjs');
    expect(packedFiles.filter((file) => !file.startsWith('dist/'))).toEqual([
      'CHANGELOG.md',
      'README.md',
      'package.json',
    ]);
  });

  it('installs with only @trpc/client, @trpc/server and eventsource beside it', async () => {
    const installed = (await readdir(path.join(consumerDir, 'node_modules'))).filter((d) => !d.startsWith('.'));
    expect(installed.sort()).toEqual(['@takst', '@trpc', 'eventsource', 'eventsource-parser', 'typescript']);
    expect((await readdir(path.join(consumerDir, 'node_modules/@trpc'))).sort()).toEqual(['client', 'server']);
  });

  it('passes publint and are-the-types-wrong', async () => {
    const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);
    await expect(run(bin('publint'), ['run', tarball, '--strict'], { cwd: workDir })).resolves.toBeDefined();
    await expect(run(bin('attw'), [tarball, '--format', 'ascii'], { cwd: workDir })).resolves.toBeDefined();
  }, 60_000);

  it('type-checks a strict consumer', async () => {
    const result = await tsc(['-p', 'tsconfig.json', '--noEmit']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it('refuses to type-check a consumer that passes a wrong input type', async () => {
    const wrong = await tsc(['-p', 'tsconfig.wrong.json', '--noEmit']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/wrong-input\.ts\(\d+,\d+\): error TS2322: Type '"house_party"' is not assignable/);
  }, 60_000);

  describe('against a live server', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server?.close());

    it('round-trips create, get, list, iterate, toArray, a TakstError, events, a subscription and a webhook', async () => {
      const build = await tsc(['-p', 'tsconfig.json']);
      expect(build.output).toBe('');
      const { stdout } = await run(process.execPath, ['out/consumer.js'], {
        cwd: consumerDir,
        env: { PATH: process.env.PATH, TAKST_URL: server.url, TAKST_API_KEY: server.adminKey },
      });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        type: 'energy_certificate',
        status: 'received',
        sameAsFetched: true,
        notFoundCode: 'ASSIGNMENT_NOT_FOUND',
        notFound: { status: 404, isTakstError: true, attempts: 1 },
        walked: 1,
        knowsTypes: 9,
        iterated: ['assignment.created'],
        streamed: { type: 'assignment.created', entityId: result.id },
        webhook: { type: 'assignment.created', entityId: result.id },
        tamperedReason: 'bad_signature',
      });
      const stored = await server.admin.assignments.get.query({ id: result.id as string });
      expect(stored.client.name).toBe('Consumer Test AS');
      expect(result.listed).toEqual([stored.id]);
      expect(result.paged).toEqual([stored.id]);
    }, 60_000);

    it('carries the connector kit: consume into a file checkpoint from @takst/sdk/node, the webhook receivers', async () => {
      const build = await tsc(['-p', 'tsconfig.json']);
      expect(build.output).toBe('');
      const created = await server.admin.assignments.create.mutate({
        type: 'valuation',
        property: { address: { street: 'Kitgata 1', postalCode: '0155', city: 'Oslo' } },
        client: { name: 'Kit Test AS' },
      });
      const createdEvents = await server.admin.events.list.query({ types: ['assignment.created'], limit: 500 });
      const checkpointFile = path.join(workDir, 'checkpoints', 'kit.json');
      const { stdout } = await run(process.execPath, ['out/kit.js'], {
        cwd: consumerDir,
        env: {
          PATH: process.env.PATH,
          TAKST_URL: server.url,
          TAKST_API_KEY: server.adminKey,
          CHECKPOINT_FILE: checkpointFile,
        },
      });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      const sequences = createdEvents.items.map((event) => event.sequence);
      expect(createdEvents.items.some((event) => event.entityId === created.id)).toBe(true);
      expect(result).toEqual({
        consumed: sequences,
        first: { handled: sequences.length, lastSequence: sequences.at(-1) },
        again: { handled: 0, lastSequence: sequences.at(-1) },
        loaded: sequences.at(-1),
        webhookId: 'msg_kit',
        noteText: 'Key in the mailbox',
        fromNode: 'msg_kit',
        tooLarge: 'body_too_large',
        answered: [204, 400],
        handled: ['msg_kit'],
        saveIn: 'function',
      });

      // Both entries load through require (CJS) and import (ESM).
      const entries = `[typeof sdk.expressWebhookHandler, typeof sdk.postgresCheckpoint, typeof node.fileCheckpoint]`;
      const required = await run(
        process.execPath,
        [
          '-e',
          `const sdk = require('@takst/sdk'); const node = require('@takst/sdk/node'); console.log(${entries}.join())`,
        ],
        { cwd: consumerDir },
      );
      const imported = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const sdk = await import('@takst/sdk'); const node = await import('@takst/sdk/node'); console.log(${entries}.join())`,
        ],
        { cwd: consumerDir },
      );
      expect(required.stdout.trim()).toBe('function,function,function');
      expect(imported.stdout.trim()).toBe('function,function,function');
    }, 60_000);

    it('bundles for a browser without Node.js built-ins, and runs with only what a browser has', async () => {
      const code = await browserBundle({
        stdin: { contents: "export * from '@takst/sdk';", resolveDir: consumerDir },
      });
      // A browser's globals, and nothing of Node.js: no process, Buffer, require or module.
      const browser = vm.createContext({
        fetch,
        Headers,
        Request,
        Response,
        URL,
        URLSearchParams,
        AbortController,
        AbortSignal,
        TextEncoder,
        TextDecoder,
        ReadableStream,
        EventTarget,
        Event,
        DOMException,
        FormData,
        Blob,
        File,
        crypto,
        setTimeout,
        clearTimeout,
        queueMicrotask,
        console,
      });
      const sdk = vm.runInContext(`${code}; TakstSdk`, browser) as typeof import('@takst/sdk');
      const client = sdk.createTakstClient({ baseUrl: server.url, apiKey: server.adminKey });
      const created = await client.assignments.create.mutate({
        type: 'valuation',
        property: { address: { street: 'Nettlesergata 1', postalCode: '0155', city: 'Oslo' } },
        client: { name: 'Browser Test AS' },
      });
      expect((await client.assignments.get.query({ id: created.id })).client.name).toBe('Browser Test AS');
      const missing = await client.assignments.get
        .query({ id: '01900000-0000-7000-8000-000000000000' })
        .catch((error: unknown) => error);
      expect(sdk.isTakstError(missing, 'ASSIGNMENT_NOT_FOUND')).toBe(true);
    }, 60_000);
  });
});
