/**
 * The console in a real browser (Debian's Chromium through playwright-core) on the list
 * benchmark's database of 1,000,000 assignments: the initial JavaScript a browser downloads
 * (gzip), the list page from navigation to rows shown, and a filter change to rows shown, each
 * beside the API call alone from the same page as the baseline. See ../README.md.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ensureBenchDatabase, postgresVersion, serverUrlFromEnv } from './lib/database';
import { positiveInteger } from './lib/env';
import { ensureSeeded } from './lib/list-seed';
import { cpuDescription } from './lib/proc';
import { freePort, runBenchmark, runCommand, startProcess, waitUntilReady } from './lib/processes';
import { BENCH_SECRETS_KEY } from './lib/secrets-key';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONSOLE_DIST = path.join(ROOT, 'apps/console/dist');
const DATABASE = 'takst_bench_lists';
const BUILD_TIMEOUT_MS = 300_000;
const READY_TIMEOUT_MS = 900_000;
const INITIAL_JS_BUDGET_KB = 250;
const NAVIGATION_BUDGET_MS = 1_000;
const FILTER_BUDGET_MS = 300;
const PASSWORD = 'console benchmark passphrase';
/** Statuses the filter change goes to in turn: large and small ones, never the one shown. */
const FILTER_STATUSES = ['received', 'in_review', 'delivered', 'on_hold', 'drafting', 'closed'];

interface Options {
  rows: number;
  samples: number;
  warmup: number;
}

const readOptions = (env: NodeJS.ProcessEnv): Options => ({
  rows: positiveInteger(env, 'BENCH_LIST_ROWS', 1_000_000),
  samples: positiveInteger(env, 'BENCH_CONSOLE_SAMPLES', 40),
  warmup: positiveInteger(env, 'BENCH_CONSOLE_WARMUP', 5),
});

// ---- The initial JavaScript ----

interface Asset {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** What index.html makes the browser fetch before the first page shows: its module and preloads. */
function initialAssets(): Asset[] {
  const html = readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g),
  ].map((match) => match[1] as string);
  return [...new Set(files)].map((file) => {
    const content = readFileSync(path.join(CONSOLE_DIST, file));
    return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
  });
}

// ---- The server and a person to sign in as ----

async function startServer(databaseUrl: string, apiKey: string): Promise<string> {
  const port = await freePort();
  const started = startProcess('takst server', process.execPath, ['apps/server/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      TAKST_BOOTSTRAP_ADMIN_KEY: apiKey,
      TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
      TAKST_RATE_LIMIT_PER_SECOND: '1000000',
      TAKST_RATE_LIMIT_BURST: '1000000',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdoutToStderr: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(started, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
  return baseUrl;
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** A support person (reads every assignment) with a password, made through the API. */
async function supportPerson(baseUrl: string, apiKey: string): Promise<string> {
  const email = `bench.console.${Date.now()}@takst.example`;
  const invited = (await postJson(
    `${baseUrl}/trpc/users.create`,
    { email, name: 'Benk Kundestøtte', roles: ['support'] },
    { authorization: `Bearer ${apiKey}` },
  )) as { result: { data: { setPasswordToken: string } } };
  await postJson(
    `${baseUrl}/auth/set-password`,
    { token: invited.result.data.setPasswordToken, password: PASSWORD },
    {},
  );
  return email;
}

// ---- Measuring in the page ----

const ROWS = 'main table tbody tr';

/** The part of the page's DOM the measurements read (the bench's types are Node's, not a browser's). */
declare const document: {
  querySelectorAll(selectors: string): ArrayLike<{ getAttribute(name: string): string | null }>;
};

/** Milliseconds from the navigation's start (the page's time origin) to the first rows shown. */
async function navigationToRows(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const shown = await page.waitForFunction(
    (rows) => (document.querySelectorAll(rows).length > 0 ? performance.now() : 0),
    ROWS,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await shown.jsonValue()) as number;
}

/**
 * Milliseconds from choosing a status in the list's status filter to rows that all show it: the
 * URL changes, the query runs, the table renders. Measured inside the page.
 */
async function filterToRows(page: Page, status: string): Promise<number> {
  const started = await page.evaluate(() => performance.now());
  await page.getByLabel('Status', { exact: true }).selectOption(status);
  const shown = await page.waitForFunction(
    ({ rows, wanted }) => {
      const badges = Array.from(document.querySelectorAll(`${rows} [data-status]`));
      return badges.length > 0 && badges.every((badge) => badge.getAttribute('data-status') === wanted)
        ? performance.now()
        : 0;
    },
    { rows: ROWS, wanted: status },
    { polling: 'raf', timeout: 30_000 },
  );
  return ((await shown.jsonValue()) as number) - started;
}

/** The same list call the page makes, alone, from the page (its cookie, its connection). */
async function apiAlone(page: Page, input: Record<string, unknown>): Promise<number> {
  return page.evaluate(async (query) => {
    const started = performance.now();
    const response = await fetch(`/trpc/assignments.list?input=${encodeURIComponent(JSON.stringify(query))}`);
    await response.json();
    return performance.now() - started;
  }, input);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Row {
  what: string;
  values: number[];
  budgetMs: number | null;
}

async function measure(browser: Browser, baseUrl: string, email: string, options: Options): Promise<Row[]> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
  const signedIn = await context.request.post('/auth/sign-in', {
    headers: { 'x-takst-csrf': '1' },
    data: { email, password: PASSWORD },
  });
  if (!signedIn.ok()) throw new Error(`sign-in answered ${signedIn.status()}`);
  const page = await context.newPage();
  const navigation: number[] = [];
  const filter: number[] = [];
  const listAlone: number[] = [];
  const filteredAlone: number[] = [];
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const status = FILTER_STATUSES[i % FILTER_STATUSES.length] as string;
    const loaded = await navigationToRows(page, '/oppdrag');
    const changed = await filterToRows(page, status);
    const alone = await apiAlone(page, {});
    const filteredOnly = await apiAlone(page, { status: [status] });
    if (i < options.warmup) continue;
    navigation.push(loaded);
    filter.push(changed);
    listAlone.push(alone);
    filteredAlone.push(filteredOnly);
    if ((i - options.warmup + 1) % 10 === 0) console.error(`${i - options.warmup + 1}/${options.samples} samples`);
  }
  await context.close();
  return [
    { what: 'list page: navigation → rows shown', values: navigation, budgetMs: NAVIGATION_BUDGET_MS },
    { what: 'baseline: its API call alone (first page, no filter)', values: listAlone, budgetMs: null },
    { what: 'filter change (status) → rows shown', values: filter, budgetMs: FILTER_BUDGET_MS },
    { what: 'baseline: its API call alone (first page, one status)', values: filteredAlone, budgetMs: null },
  ];
}

// ---- The report ----

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function report(info: string[], assets: Asset[], rows: Row[]): string {
  const gzipTotal = assets.reduce((sum, asset) => sum + asset.gzipBytes, 0);
  const rawTotal = assets.reduce((sum, asset) => sum + asset.bytes, 0);
  const lines = [
    ...info.map((line) => `- ${line}`),
    '',
    '| initial JavaScript | raw kB | gzip kB |',
    '| --- | ---: | ---: |',
    ...assets.map((asset) => `| \`${asset.file}\` | ${kb(asset.bytes)} | ${kb(asset.gzipBytes)} |`),
    `| **total** (budget ${INITIAL_JS_BUDGET_KB} kB gzip) | ${kb(rawTotal)} | **${kb(gzipTotal)}** |`,
    '',
    '| in Chromium, 1,000,000 assignments | p50 ms | p95 ms | max ms | budget p95 |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.what} | ${percentile(row.values, 50).toFixed(0)} | ${percentile(row.values, 95).toFixed(0)} | ${Math.max(...row.values).toFixed(0)} | ${row.budgetMs === null ? '—' : `${row.budgetMs} ms`} |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions(process.env);
  const databaseUrl = await ensureBenchDatabase(serverUrlFromEnv(process.env), DATABASE);
  console.error('building the SDK, the console and the server');
  await runCommand(
    'npx',
    ['turbo', 'run', 'build', '--filter=@takst/server', '--filter=@takst/console', '--output-logs=errors-only'],
    ROOT,
    BUILD_TIMEOUT_MS,
    true,
  );
  const assets = initialAssets();
  const apiKey = `tk_${randomBytes(32).toString('base64url')}`;
  const baseUrl = await startServer(databaseUrl, apiKey);
  const seeding = await ensureSeeded(databaseUrl, options.rows, false);
  const email = await supportPerson(baseUrl, apiKey);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const rows = await measure(browser, baseUrl, email, options);
    const info = [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpuDescription()}; Node ${process.version}; ${await postgresVersion(databaseUrl)}; Chromium ${browser.version()}`,
      `data: ${options.rows.toLocaleString('en')} assignments (${seeding})`,
      `samples: ${options.samples} after ${options.warmup} warm-up rounds; a signed-in support person; assets cached as a returning browser has them`,
    ];
    console.log(report(info, assets, rows));
  } finally {
    await browser.close();
  }
}

await runBenchmark(main);
