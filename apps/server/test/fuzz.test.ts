import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FuzzReport, formatFuzzReport, fuzz } from '../../../bench/src/reliability/fuzz-core';
import { startTestServer, type TestServer } from './support/server';

// A small run of the reliability fuzzer (bench/src/reliability, `npm run reliability:fuzz` for the
// full one): every procedure from the server's own OpenAPI document, with valid, mutated and
// malformed input, wrong methods, content types, keys and headers. No answer may be a 5xx, and
// every error must have the documented shape with the request id. A fixed seed: the same cases
// every run (the ids of rows they name come from the run's own answers).
let server: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: {
      LOG_LEVEL: 'warn',
      // Nothing leaves the machine: no deliveries, and webhook URLs may name 127.0.0.1.
      TAKST_WEBHOOK_WORKER: 'false',
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
    },
    logTo: { write: (line: string) => logLines.push(line) },
  });
});
afterAll(() => server?.close());

it('answers a few hundred fuzzed requests without a 5xx or an error out of shape', async () => {
  const report: FuzzReport = await fuzz({
    baseUrl: server.url,
    apiKey: server.adminKey,
    seed: 20_261_204,
    requests: 400,
    concurrency: 4,
    maxDurationMs: 20_000,
    timeoutMs: 10_000,
    // Other test files share the machine: only a long pause of the event loop counts here.
    stallMs: 5_000,
    serverLog: () => logLines,
  });
  const summary = formatFuzzReport(report);
  expect(report.requests, summary).toBeGreaterThanOrEqual(300);
  expect(report.fiveXx, summary).toBe(0);
  // Expected answers (401, 403, 405, 415, …) are the full run's business; here the shape.
  const outOfShape = report.failing.flatMap((failing) =>
    failing.findings
      .filter((finding) => ['5xx', 'error shape', 'stack trace', 'no answer'].includes(finding.category))
      .map((finding) => `#${failing.caseIndex} ${failing.procedure}: ${finding.category}: ${finding.message}`),
  );
  expect(outOfShape, summary).toEqual([]);
  expect(report.aliveAtEnd, summary).toBe(true);
}, 60_000);
