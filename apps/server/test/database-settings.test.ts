import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { startTestServer, type TestServer } from './support/server';

const logLines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'warn' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
});
afterAll(() => server?.close());

describe('a server starting on a PostgreSQL', () => {
  it('warns at start exactly when autovacuum is off there, naming the setting and the docs', async () => {
    const [row] = await query<{ setting: string }>(
      server.databaseUrl,
      `select current_setting('autovacuum') as setting`,
    );
    const setting = row?.setting;
    const warnings = logLines
      .map((line) => JSON.parse(line) as { level: number; setting?: string; msg: string })
      .filter((entry) => entry.setting === 'autovacuum');
    if (setting === 'off') {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe(40);
      expect(warnings[0]?.msg).toMatch(/autovacuum is off.*docs\/operations\.md/);
    } else {
      expect(warnings).toEqual([]);
    }
  });
});
