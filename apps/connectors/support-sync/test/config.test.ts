import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const VALID = {
  TAKST_URL: 'http://127.0.0.1:3000/',
  TAKST_API_KEY: 'tk_example',
  HJELPA_URL: 'http://127.0.0.1:4103',
  HJELPA_USER: 'integration@hjelpa.test',
  HJELPA_PASSWORD: 'hjelpa-dev-password',
  HJELPA_WEBHOOK_SECRET: 'a-secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('reads the environment with its defaults', () => {
    expect(loadConfig(VALID)).toEqual({
      takstUrl: 'http://127.0.0.1:3000',
      takstApiKey: 'tk_example',
      hjelpaUrl: 'http://127.0.0.1:4103',
      hjelpaUser: 'integration@hjelpa.test',
      hjelpaPassword: 'hjelpa-dev-password',
      hjelpaWebhookSecret: 'a-secret',
      publicUrl: null,
      checkpointFile: path.resolve('.data/support-sync/platform-events.json'),
      start: 'now',
      pollIntervalMs: 1000,
      host: '127.0.0.1',
      port: 4203,
      logLevel: 'info',
    });
    expect(loadConfig({ ...VALID, SUPPORT_SYNC_START: '0' }).start).toBe(0);
  });

  it('names every problem at once', () => {
    expect(problemsOf({})).toEqual([
      expect.stringContaining('TAKST_API_KEY is required'),
      expect.stringContaining('TAKST_URL is required'),
      expect.stringContaining('HJELPA_URL is required'),
      expect.stringContaining('HJELPA_USER is required'),
      expect.stringContaining('HJELPA_PASSWORD is required'),
      expect.stringContaining('HJELPA_WEBHOOK_SECRET is required'),
    ]);
    expect(
      problemsOf({
        ...VALID,
        TAKST_API_KEY: 'secret',
        HJELPA_URL: 'ftp://desk',
        SUPPORT_SYNC_START: 'yesterday',
        PORT: '70000',
        LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      expect.stringContaining('LOG_LEVEL must be one of'),
      'TAKST_API_KEY must be a platform API key (tk_…)',
      expect.stringContaining('SUPPORT_SYNC_START must be now or an event sequence'),
      expect.stringContaining('HJELPA_URL must be an http(s) URL'),
      'PORT must be a whole number from 0 to 65535, not "70000"',
    ]);
  });

  it('stops the process with exit code 2 and the problems on stderr', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', HJELPA_URL: 'nope' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('support-sync: bad configuration');
    expect(result.stderr).toContain('HJELPA_URL must be an http(s) URL');
  });
});
