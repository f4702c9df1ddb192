/**
 * Writes docs/images/api-reference.png: the API reference (/docs) in Chromium at 1440×900, once
 * it has rendered and gone still.
 *
 *   npm run docs:screenshot -w @takst/server
 *
 * TAKST_URL=http://… uses a running server. Otherwise one is started here on PORT (3000 unless
 * set; the port shows in the picture, so it stays the same from run to run): on a scratch
 * database made on DATABASE_URL and dropped after, or, with DATABASE_URL unset, on embedded
 * PostgreSQL in a scratch folder under .data/. It fails, writing nothing, if the page asked
 * another host for anything, logged an error or was refused anything by its CSP.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@takst/api';
import { createLogger, loadConfig, startServer } from '../src/index';
import { type OpenApiDocument, openApiReference, waitForReference } from '../test/support/api-reference-page';
import { launchChromium } from '../test/support/chromium';
import { createScratchDatabase } from '../test/support/scratch-database';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const OUTPUT = path.join(repoRoot, 'docs/images/api-reference.png');

interface Target {
  url: string;
  close(): Promise<void>;
}

/** A server of our own, on a database nobody else uses, gone again after. */
async function startOwnServer(): Promise<Target> {
  const adminUrl = process.env.DATABASE_URL;
  const dataDir = path.join(repoRoot, '.data', `docs-screenshot-${process.pid}`);
  const scratch = adminUrl ? await createScratchDatabase(adminUrl, 'takst_docs') : null;
  const databaseUrl = scratch?.url;
  const cleanUp = async () => {
    if (scratch) await scratch.drop();
    else await rm(dataDir, { recursive: true, force: true });
  };
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { TAKST_DATA_DIR: dataDir }),
    PORT: process.env.PORT ?? '3000',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    DATABASE_POOL_MAX: '2',
    TAKST_BOOTSTRAP_ADMIN_KEY: generateApiKey(),
    TAKST_SECRETS_KEY: randomBytes(32).toString('base64'),
    TAKST_WEBHOOK_WORKER: 'false',
  });
  try {
    const server = await startServer({ config, logger: createLogger(config), printOnce: () => undefined });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function main(): Promise<void> {
  const given = process.env.TAKST_URL?.replace(/\/+$/, '');
  const target: Target = given ? { url: given, close: async () => undefined } : await startOwnServer();
  const browser = await launchChromium().catch(async (error: unknown) => {
    await target.close();
    throw error;
  });
  try {
    const openapi = (await (await fetch(`${target.url}/api/openapi.json`)).json()) as OpenApiDocument;
    const visit = await openApiReference(browser, target.url);
    await waitForReference(visit.page, openapi);
    const refused = visit.violations.filter((violation) => violation !== 'script-src eval');
    const problems = [
      ...visit.foreignRequests.map((url) => `request to another host: ${url}`),
      ...visit.errors.map((error) => `console error: ${error}`),
      ...refused.map((violation) => `refused by the CSP: ${violation}`),
    ];
    if (problems.length > 0) throw new Error(`the page is not right, so no screenshot:\n${problems.join('\n')}`);
    await mkdir(path.dirname(OUTPUT), { recursive: true });
    await visit.page.screenshot({ path: OUTPUT, animations: 'disabled', caret: 'hide' });
    await visit.context.close();
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} from ${target.url}/docs`);
  } finally {
    await browser.close();
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
