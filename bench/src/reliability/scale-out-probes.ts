/**
 * Two probes run while the load goes on and both servers are up: a key revoked on one server
 * must be refused by the other on the very next call, and one API client's calls spread over
 * both servers must stay within its rate limit.
 */
import { callOrFail, callProcedure, sleep } from './scale-out-http';

export interface RevocationFigures {
  rounds: number;
  /** The key worked on the other server before the revocation (its cache there was warm). */
  workedBefore: number;
  /** The first call on the other server after the revocation answered 401. */
  refusedAtOnce: number;
  /** What the first call after each revocation answered, `revoked on → called at: status`. */
  firstAnswers: string[];
}

interface CreatedClient {
  client: { id: string };
  apiKey: string;
}

/** Creates a key on one server, uses it on the other, revokes it on the first, calls the other at once. */
export async function probeRevocation(
  servers: readonly [string, string],
  adminKey: string,
  rounds: number,
): Promise<RevocationFigures> {
  const figures: RevocationFigures = { rounds, workedBefore: 0, refusedAtOnce: 0, firstAnswers: [] };
  for (let round = 0; round < rounds; round++) {
    const [revokeAt, callAt] = round % 2 === 0 ? servers : ([servers[1], servers[0]] as const);
    const created = await callOrFail<CreatedClient>(
      revokeAt,
      adminKey,
      'apiClients.create',
      { name: `scale-out revocation ${round}`, scopes: ['assignments:read'] },
      'mutation',
    );
    const before = await callProcedure(callAt, created.apiKey, 'me.get', undefined, { kind: 'query' });
    if (before.status === 200) figures.workedBefore++;
    await callOrFail(revokeAt, adminKey, 'apiClients.revoke', { id: created.client.id }, 'mutation');
    const after = await callProcedure(callAt, created.apiKey, 'me.get', undefined, { kind: 'query' });
    if (after.status === 401) figures.refusedAtOnce++;
    figures.firstAnswers.push(`${revokeAt} → ${callAt}: ${after.status}`);
  }
  return figures;
}

export interface RateLimitFigures {
  perSecond: number;
  burst: number;
  seconds: number;
  accepted: number;
  refused: number;
  other: number;
  /** burst + perSecond × seconds: the most the limit lets through. */
  allowance: number;
  ratio: number;
}

/**
 * One client, `concurrency` calls in flight alternating between the servers, for `seconds`, and
 * on, up to four times as long, until the limit has refused a call: on a starved machine the
 * calls may come too slowly to reach it in time, which would show nothing about the limit.
 */
export async function probeRateLimit(
  servers: readonly [string, string],
  apiKey: string,
  limit: { perSecond: number; burst: number },
  seconds: number,
  concurrency: number,
): Promise<RateLimitFigures> {
  let accepted = 0;
  let refused = 0;
  let other = 0;
  let turn = 0;
  const began = performance.now();
  const until = began + seconds * 1000;
  const deadline = began + 4 * seconds * 1000;
  const going = () => {
    const now = performance.now();
    return now < until || (refused === 0 && now < deadline);
  };
  const caller = async () => {
    while (going()) {
      const server = servers[turn++ % 2] as string;
      const answer = await callProcedure(server, apiKey, 'me.get', undefined, { kind: 'query' });
      if (answer.status === 200) accepted++;
      else if (answer.status === 429) refused++;
      else {
        other++;
        await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = (performance.now() - began) / 1000;
  const allowance = limit.burst + limit.perSecond * elapsed;
  return { ...limit, seconds: elapsed, accepted, refused, other, allowance, ratio: accepted / allowance };
}
