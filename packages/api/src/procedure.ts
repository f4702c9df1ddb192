import type { ErrorCode } from '@takst/contract/enums';
import type { EntityManager } from '@takst/db';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import { middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import { authenticate, authorize, authorizePerson, checkCsrf, ownAssignmentsOf } from './auth/caller';
import { withheldOfSecretAnswer } from './auth/key-answers';
import type { RootContext } from './context';
import { DomainError, errorCodeOf } from './errors';
import { checkIdempotencyKey, fingerprintOf } from './idempotency/key';
import { refusalOfRawInput } from './lib/raw-input';
import { type Actor, httpRequestOf, ownerOf, type Platform, platformOf, readEmFor } from './platform';
import { type ProcedureMeta, t } from './trpc';

function declaredAccess(platform: Platform, meta: ProcedureMeta | undefined, path: string): ProcedureMeta {
  if (meta?.scope && Array.isArray(meta.roles)) return meta;
  platform.logger.error({ path }, 'procedure declares no scope or roles; refusing it');
  throw new DomainError('INTERNAL_SERVER_ERROR', 'INTERNAL', `Procedure ${path} declares no scope or roles`);
}

// One lookup per HTTP request, however many calls it batches: an unknown key must not cost the
// database once per call.
const actorsOfRequests = new WeakMap<object, Promise<Actor>>();

function authenticateOnce(platform: Platform, ctx: RootContext): Promise<Actor> {
  let actor = actorsOfRequests.get(ctx);
  if (!actor) {
    actor = authenticate(platform, ctx);
    actorsOfRequests.set(ctx, actor);
  }
  return actor;
}

/**
 * Authentication, rate limit, scope, raw-input checks, idempotency and the em fork (see
 * `procedure`), and the report of how each call ended and how long it took, refusals included.
 * One middleware, not two: every tRPC middleware level copies the whole context and adds a
 * promise to each call of the hot path.
 */
const guarded = t.middleware(async ({ ctx, meta, path, type, getRawInput, next }) => {
  const started = performance.now();
  const platform = platformOf(ctx);
  const observe = (errorCode: ErrorCode | null) =>
    platform.onProcedureCall({ path, type, durationSeconds: (performance.now() - started) / 1000, errorCode });

  const guard = async () => {
    const http = httpRequestOf(ctx);
    const access = declaredAccess(platform, meta, path);
    const actor = await authenticateOnce(platform, ctx);
    if (http) await platform.rateLimiter.charge(ownerOf(actor));
    if (type === 'mutation') checkCsrf(actor, ctx);
    authorize(actor, access.scope);
    authorizePerson(actor, access.roles, path);
    const ownAssignments = ownAssignmentsOf(actor, access.roles, access.ownAssignmentsForAppraisers === true);
    // Items checked one by one meet the text check there, so that one bad item fails only itself.
    const refused = refusalOfRawInput(await getRawInput(), {
      itemsCheckedOneByOne: meta?.checksItemsOneByOne === true,
    });
    if (refused) throw refused;
    const owner = ownerOf(actor);
    const proceed = (em: EntityManager) =>
      next({
        ctx: {
          actor,
          em,
          // Lists and exports may read from the replica; a mutation reads what it writes, on the primary.
          readEm: type === 'mutation' ? em : readEmFor(platform, owner, em),
          logger: platform.logger,
          apiKeys: platform.apiKeys,
          sessions: platform.sessions,
          changeSync: platform.changeSync,
          ownAssignmentsOf: ownAssignments,
        },
      });
    if (type !== 'mutation') return proceed(platform.orm.em.fork());
    const noteWrite = <R extends { ok: boolean }>(result: R): R => {
      if (result.ok) platform.replica?.noteWrite(owner);
      return result;
    };
    if (ctx.idempotencyKey === null) return noteWrite(await proceed(platform.orm.em.fork()));

    const key = checkIdempotencyKey(ctx.idempotencyKey, http?.calls ?? 1);
    const fingerprint = fingerprintOf(path, await getRawInput());
    const call = { ownerId: owner, key, path, fingerprint, withheld: withheldOfSecretAnswer };
    type Result = Awaited<ReturnType<typeof proceed>>;
    // A replay answers without running the procedure; tRPC takes any result that carries its marker.
    const replay = (data: unknown): Result => ({ ok: true, data, marker: middlewareMarker });
    return noteWrite(await platform.idempotency.execute(platform.orm.em.fork(), call, proceed, replay));
  };

  try {
    const result = await guard();
    observe(result.ok ? null : errorCodeOf(result.error));
    return result;
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    observe(errorCodeOf(error));
    throw error;
  }
});

/**
 * The only procedure builder routers use: measures every call, authenticates the caller, charges its rate limit
 * (HTTP calls only, one token per procedure call, refused ones included: they cost work too),
 * refuses a cookie-authenticated mutation without the CSRF header or from a foreign origin,
 * enforces the scope the procedure declares in its meta (failing closed when it declares none),
 * refuses input nested absurdly deep or holding NUL characters,
 * runs a mutation that carries an Idempotency-Key at most once per key, and forks the
 * EntityManager for the request.
 */
export const procedure = t.procedure.use(guarded);
