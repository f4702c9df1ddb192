import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const common = { TAKST_URL: 'http://127.0.0.1:3000', TAKST_API_KEY: 'tk_abc' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('names every missing or bad variable at once', () => {
    expect(problemsOf({})).toEqual([
      'BOOKING_TOOL must be a (Planly) or b (Kalendra), not unset',
      "TAKST_API_KEY is required: the connector's own platform API key (tk_…)",
      "TAKST_URL is required: the platform's address, e.g. http://127.0.0.1:3000",
    ]);
    const problems = problemsOf({
      ...common,
      BOOKING_TOOL: 'a',
      PLANLY_URL: 'ftp://x',
      TAKST_WEBHOOK_SECRET: 'nope',
      PORT: '99999',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT must be a whole number from 0 to 65535, not "99999"',
        'TAKST_WEBHOOK_SECRET must be a platform webhook secret (whsec_…)',
        expect.stringContaining('PLANLY_URL must be an http(s) URL'),
        expect.stringContaining('PLANLY_TOKEN is required'),
        expect.stringContaining('PLANLY_WEBHOOK_SECRET is required'),
      ]),
    );
    expect(problemsOf({ ...common, BOOKING_TOOL: 'b', LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL must be one of debug, info, warn, error, silent',
      "KALENDRA_URL is required: Kalendra's address",
      "KALENDRA_API_KEY is required: Kalendra's API key (X-Api-Key)",
    ]);
  });

  it('reads a tool B configuration with its defaults', () => {
    const config = loadConfig({
      ...common,
      BOOKING_TOOL: 'b',
      KALENDRA_URL: 'http://127.0.0.1:4102/',
      KALENDRA_API_KEY: 'k',
    });
    expect(config).toMatchObject({
      tool: 'b',
      kalendraUrl: 'http://127.0.0.1:4102',
      port: 4202,
      host: '127.0.0.1',
      pollIntervalMs: 1000,
      logLevel: 'info',
    });
  });
});
