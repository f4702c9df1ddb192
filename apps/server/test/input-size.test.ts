import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// A body under the byte limit can still hold millions of values; walking them cost the event
// loop seconds and the process hundreds of megabytes. Such input is refused before it is parsed.
let fast: TestServer;
let adapter: TestServer;
beforeAll(async () => {
  fast = await startTestServer();
  adapter = await startTestServer({ sharing: fast, env: { TAKST_TRPC_FAST_PATH: 'false' } });
});
afterAll(async () => {
  await adapter?.close();
  await fast?.close();
});

/** Just under the 5 MB limit: one array of 2.4 million numbers. */
const millionsOfNumbers = `[${Array.from({ length: 2_400_000 }, () => '1').join(',')}]`;

async function post(server: TestServer, path: string, body: string) {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: (await response.json()) as { error?: { data: Record<string, unknown> } } };
}

describe('input holding more values than any call takes', () => {
  it.each([
    ['the fast path', () => fast],
    ["tRPC's adapter", () => adapter],
  ])('is refused as VALIDATION_FAILED by %s', async (_, server) => {
    const answer = await post(server(), 'parties.create', millionsOfNumbers);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.data).toMatchObject({
      errorCode: 'VALIDATION_FAILED',
      issues: [{ path: [], code: 'too_big', message: expect.stringContaining('at most 100000 values') }],
    });
  });

  it('is refused as well when it comes nested in an object', async () => {
    const nested = `{"name":"Kari","address":{"lines":${millionsOfNumbers}}}`;
    const answer = await post(fast, 'parties.create', nested);
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED', issues: [{ code: 'too_big' }] });
  });

  it('leaves the server answering others meanwhile', async () => {
    const healthz = async () => {
      const started = performance.now();
      expect((await fetch(`${fast.url}/healthz`)).status).toBe(200);
      return performance.now() - started;
    };
    let sending = true;
    const waits: number[] = [];
    const probing = (async () => {
      while (sending) {
        waits.push(await healthz());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post(fast, 'parties.create', millionsOfNumbers)),
    ).finally(() => {
      sending = false;
    });
    await probing;
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400]);
    // Walking the values held the event loop for seconds; counting them takes milliseconds. The
    // bound is generous: it only tells the two apart.
    expect(Math.max(...waits)).toBeLessThan(1_000);
  });

  it('still takes a bulk call of 500 full assignments', async () => {
    const items = Array.from({ length: 500 }, (_, index) => ({
      key: { externalRef: { system: 'booking', externalId: `input-size-${index}` } },
      assignment: assignmentInput({ payer: { name: 'Ola Nordmann', email: 'ola@example.no' } }),
    }));
    const result = await fast.admin.assignments.bulkUpsert.mutate({ items });
    expect(result.counts.error).toBe(0);
  });
});
