import { createTakstClient } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// Clients are registered on a server with the test default (no limit to speak of) and then call
// servers that share its database with a low one. The buckets live in that database, so the
// servers with the low limit share them; each server applies its own limit to them.
const LOW_LIMIT = { TAKST_RATE_LIMIT_PER_SECOND: '1', TAKST_RATE_LIMIT_BURST: '5' };

let setup: TestServer;
let limited: TestServer;
let limitedReference: TestServer;
let limitedInMemory: TestServer;
beforeAll(async () => {
  setup = await startTestServer();
  limited = await startTestServer({ sharing: setup, env: LOW_LIMIT });
  limitedReference = await startTestServer({
    sharing: setup,
    env: { ...LOW_LIMIT, TAKST_TRPC_FAST_PATH: 'false' },
  });
  limitedInMemory = await startTestServer({ sharing: setup, env: { ...LOW_LIMIT, TAKST_RATE_LIMIT_STORE: 'memory' } });
});
afterAll(async () => {
  await limitedInMemory?.close();
  await limitedReference?.close();
  await limited?.close();
  await setup?.close();
});

async function newKey(): Promise<string> {
  const created = await setup.admin.apiClients.create.mutate({ name: 'limited', scopes: ['assignments:read'] });
  return created.apiKey;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** One HTTP request of `calls` assignments.list calls: a plain call for 1, a batch for more. */
async function listCalls(at: TestServer, key: string, calls: number, requestId = 'rate-limit'): Promise<Answer> {
  const path =
    calls === 1
      ? 'assignments.list'
      : `${Array(calls).fill('assignments.list').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`;
  const response = await fetch(`${at.url}/trpc/${path}`, {
    headers: { authorization: `Bearer ${key}`, 'x-request-id': requestId },
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two more servers sharing the setup server's database, with `env`; closed after `work`. */
async function withTwoServers(
  env: Record<string, string>,
  work: (first: TestServer, second: TestServer) => Promise<void>,
): Promise<void> {
  const first = await startTestServer({ sharing: setup, env });
  try {
    const second = await startTestServer({ sharing: setup, env });
    try {
      await work(first, second);
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
}

describe('the rate limit per API client', () => {
  it('lets a burst through, then refuses with TOO_MANY_REQUESTS and Retry-After', async () => {
    const key = await newKey();
    for (let i = 0; i < 5; i++) expect((await listCalls(limited, key, 1)).status).toBe(200);
    const refused = await listCalls(limited, key, 1);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body).toMatchObject({
      error: { data: { code: 'TOO_MANY_REQUESTS', errorCode: 'RATE_LIMITED', retryAfterSeconds: 1 } },
    });
  });

  it('counts REST calls in the same bucket as /trpc calls, and refuses them as problem details', async () => {
    const key = await newKey();
    for (let i = 0; i < 3; i++) expect((await listCalls(limited, key, 1)).status).toBe(200);
    const viaRest = () =>
      fetch(`${limited.url}/api/v1/assignments?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    expect((await viaRest()).status).toBe(200);
    expect((await viaRest()).status).toBe(200);
    const refused = await viaRest();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 429, errorCode: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect((await listCalls(limited, key, 1)).status).toBe(429);
  });

  it('counts every call in a batched request', async () => {
    const key = await newKey();
    const answer = await listCalls(limited, key, 8);
    expect(answer.status).toBe(207);
    expect(answer.retryAfter).toBe('1');
    const results = answer.body as { error?: { data: { errorCode: string } } }[];
    expect(results.filter((result) => !result.error)).toHaveLength(5);
    expect(results.filter((result) => result.error?.data.errorCode === 'RATE_LIMITED')).toHaveLength(3);
    expect((await listCalls(limited, key, 1)).status).toBe(429);
  });

  it('counts SDK calls one by one, batched together or not', async () => {
    const sdk = createTakstClient({ baseUrl: limited.url, apiKey: await newKey(), maxRetries: 0 });
    const settled = await Promise.allSettled(Array.from({ length: 7 }, () => sdk.assignments.list.query({})));
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    const refused = settled.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(2);
    expect(refused[0]?.reason).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS', errorCode: 'RATE_LIMITED' } });
  });

  it('refills the bucket as time passes', async () => {
    const key = await newKey();
    expect((await listCalls(limited, key, 5)).status).toBe(200);
    expect((await listCalls(limited, key, 1)).status).toBe(429);
    // One call a second: a token every 1000 ms.
    await sleep(1_100);
    expect((await listCalls(limited, key, 1)).status).toBe(200);
    expect((await listCalls(limited, key, 1)).status).toBe(429);
  });

  it('limits each client on its own, across every server on the database', async () => {
    const spent = await newKey();
    expect((await listCalls(limited, spent, 6)).status).toBe(207);
    expect((await listCalls(limited, await newKey(), 1)).status).toBe(200);
    // The other server with the low limit sees the same, spent bucket.
    expect((await listCalls(limitedReference, spent, 1)).status).toBe(429);
  });

  it('never lets two servers spend the same token: a burst of calls split over both gets the burst once', async () => {
    const key = await newKey();
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => listCalls(i % 2 === 0 ? limited : limitedReference, key, 1)),
    );
    const passed = answers.filter((answer) => answer.status === 200).length;
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(24 - passed);
    // The burst of 5, and at most one token refilled (1 a second) while the calls were under way.
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(passed).toBeLessThanOrEqual(6);
  });

  it('holds across servers with a generous limit too, where each server takes tokens ahead', async () => {
    // 40 a second: each server takes a tenth of a second's worth (4) ahead of its calls.
    const generous = { TAKST_RATE_LIMIT_PER_SECOND: '40', TAKST_RATE_LIMIT_BURST: '10' };
    await withTwoServers(generous, async (first, second) => {
      const key = await newKey();
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) => listCalls(i % 2 === 0 ? first : second, key, 1)),
      );
      const elapsedSeconds = (performance.now() - started) / 1000;
      const passed = answers.filter((answer) => answer.status === 200).length;
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(80 - passed);
      expect(passed).toBeGreaterThanOrEqual(10);
      // Never more than the burst plus what refilled meanwhile, whichever server answered.
      expect(passed).toBeLessThanOrEqual(10 + Math.ceil(40 * elapsedSeconds));
    });
  });

  it('costs a client spread thinly over two servers one token per call, so its burst stays whole', async () => {
    // 20 a second, a burst of 20: a server may take up to 2 ahead. A client at half its rate,
    // alternating between the servers, must leave its bucket full for a burst afterwards: a lease
    // taken for each call and left to expire would have cost 3 tokens a call and drained it.
    const modest = { TAKST_RATE_LIMIT_PER_SECOND: '20', TAKST_RATE_LIMIT_BURST: '20' };
    await withTwoServers(modest, async (first, second) => {
      const key = await newKey();
      for (let i = 0; i < 24; i++) {
        expect((await listCalls(i % 2 === 0 ? first : second, key, 1)).status).toBe(200);
        await sleep(100);
      }
      const burst = await Promise.all(
        Array.from({ length: 16 }, (_, i) => listCalls(i % 2 === 0 ? first : second, key, 1)),
      );
      expect(burst.map((answer) => answer.status)).toEqual(Array(16).fill(200));
    });
  });

  it('keeps buckets in each process with TAKST_RATE_LIMIT_STORE=memory', async () => {
    const key = await newKey();
    expect((await listCalls(limited, key, 6)).status).toBe(207);
    expect((await listCalls(limitedInMemory, key, 5)).status).toBe(200);
    expect((await listCalls(limitedInMemory, key, 1)).status).toBe(429);
  });

  it('charges calls that are refused for a missing scope too', async () => {
    const key = await newKey();
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${limited.url}/trpc/apiClients.list`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(403);
    }
    expect((await listCalls(limited, key, 1)).status).toBe(429);
  });

  it('answers a limited request on the fast path exactly as through the tRPC adapter, Retry-After included', async () => {
    // Two keys, so that each server sees the same calls on a bucket of its own.
    const [referenceKey, key] = [await newKey(), await newKey()];
    for (const calls of [4, 3, 1]) {
      const requestId = `rate-limit-diff-${calls}`;
      const expected = await listCalls(limitedReference, referenceKey, calls, requestId);
      const actual = await listCalls(limited, key, calls, requestId);
      expect(actual).toEqual(expected);
    }
  });
});
