import type { EntityManager, MikroORM } from '@takst/db';
import {
  API_CLIENT_CHANNEL,
  ApiClientListener,
  type ChangeSync,
  NO_CHANGE_SYNC,
  USER_CHANNEL,
} from './auth/api-client-listener';
import { ApiKeyCache } from './auth/api-key-cache';
import { DEFAULT_SESSION_LIFETIMES, SessionCache, type SessionLifetimes } from './auth/session-cache';
import type { RootContext } from './context';
import { EventPublisher } from './events/publisher';
import { IdempotencyStore } from './idempotency/store';
import type { Logger } from './lib/logger';
import {
  DEFAULT_RATE_LIMIT,
  ProcessRateLimiter,
  type RateLimit,
  type RateLimiter,
  type RateLimitStore,
} from './rate-limit/rate-limiter';
import { type RunStatement, SharedRateLimiter } from './rate-limit/shared-rate-limiter';
import type { ReadReplica } from './replica/read-replica';

/** The server's long-lived resources, handed to the API once at start-up. */
export interface Platform {
  orm: MikroORM;
  logger: Logger;
  apiKeys: ApiKeyCache;
  sessions: SessionCache;
  /** Confirms every server process has caught up with a change to keys or people. */
  changeSync: ChangeSync;
  rateLimiter: RateLimiter;
  idempotency: IdempotencyStore;
  /** Where list and export reads may go instead of the primary; null without DATABASE_READ_URL. */
  replica: ReadReplica | null;
  /** Told of every procedure call that went through the procedure middleware, once it ends. */
  onProcedureCall: (call: ProcedureCall) => void;
  /** Closes what the platform opened itself (the change listener); the ORM stays open. */
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Per API client or person; 50 calls a second with bursts of 100 by default. */
  rateLimit?: RateLimit;
  /** Where the buckets live: `postgres` (shared by every process, the default) or `memory` (per process). */
  rateLimitStore?: RateLimitStore;
  /**
   * Hear of API-client and user changes made by any process, so resolved keys and sessions may
   * be cached. Servers do; without it (one-off commands) every one is looked up in the database.
   */
  listenForApiClientChanges?: boolean;
  /** Told of every procedure call once it ends (the server's metrics). */
  onProcedureCall?: (call: ProcedureCall) => void;
  /** How long sessions last: absolutely, and without use. */
  sessions?: SessionLifetimes;
  /** A read replica for list and export reads, started by the server; the platform's close() closes it. */
  readReplica?: ReadReplica;
}

/** A procedure call as metrics see it: what ran, for how long, and how it ended. */
export interface ProcedureCall {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  durationSeconds: number;
  /** The stable error code of a refusal or failure; null for success. */
  errorCode: string | null;
}

/** What the HTTP layer knows of a request beyond its root context. */
export interface HttpRequestInfo {
  /** Procedure calls the request carries: 1, or the size of a batch. */
  calls: number;
}

/** The root context's fields, with an Idempotency-Key for callers that have one. */
export type RootContextInput = Pick<RootContext, 'requestId' | 'authorization'> &
  Partial<Pick<RootContext, 'idempotencyKey' | 'sessionToken' | 'actingFor' | 'csrfHeader' | 'originAllowed'>>;

interface RequestResources {
  platform: Platform;
  http: HttpRequestInfo | null;
}

// Resources travel beside the context, never in it, so they never reach the router's type.
const requests = new WeakMap<RootContext, RequestResources>();

/**
 * Makes a request's root context. HTTP requests pass `http`; in-process callers
 * (`createCaller`: demo data, the server's own scripts) do not, and are not rate-limited.
 */
export function createRootContext(platform: Platform, request: RootContextInput, http?: HttpRequestInfo): RootContext {
  const ctx: RootContext = {
    requestId: request.requestId,
    authorization: request.authorization,
    idempotencyKey: request.idempotencyKey ?? null,
    sessionToken: request.sessionToken ?? null,
    actingFor: request.actingFor ?? null,
    csrfHeader: request.csrfHeader ?? false,
    originAllowed: request.originAllowed ?? true,
  };
  requests.set(ctx, { platform, http: http ?? null });
  return ctx;
}

function resourcesOf(ctx: RootContext): RequestResources {
  const resources = requests.get(ctx);
  if (!resources) throw new Error('Context was not made by createRootContext');
  return resources;
}

export function platformOf(ctx: RootContext): Platform {
  return resourcesOf(ctx).platform;
}

/** What the HTTP layer said about the request; null for in-process calls. */
export function httpRequestOf(ctx: RootContext): HttpRequestInfo | null {
  return resourcesOf(ctx).http;
}

/** The person behind a call authenticated by a session. */
export interface ActorUser {
  id: string;
  name: string;
  roles: readonly string[];
  appraiserId: string | null;
}

/**
 * The authenticated caller, recorded on every write: an API client (`clientId`, `user` null), a
 * signed-in person (`user` and `sessionId`, `clientId` null), or an API client acting for a
 * person (`clientId` and `user`). `name` is the client's, or the signed-in person's.
 */
export interface Actor {
  clientId: string | null;
  name: string;
  scopes: readonly string[];
  user: ActorUser | null;
  sessionId: string | null;
}

/**
 * Whose calls these are, for what is counted or kept per caller (rate limit, idempotency keys):
 * the API client, or the person. Ids are UUIDs, so a client and a person never share one.
 */
export function ownerOf(actor: Actor): string {
  const owner = actor.clientId ?? actor.user?.id;
  if (!owner) throw new Error('An actor is either an API client or a person');
  return owner;
}

/**
 * What a service needs from a request: the request's EntityManager, who is acting, and the
 * request id (both recorded with every write). Procedures pass their tRPC ctx, which has these.
 */
export interface ServiceContext {
  em: EntityManager;
  actor: Actor;
  requestId: string;
  /**
   * Set when the caller is a person held to their own assignments in this call (an appraiser):
   * their appraiser record, or null if they have none. See `assertMayWorkOn`.
   */
  ownAssignmentsOf?: string | null | undefined;
}

/**
 * The platform over an initialised ORM: its API-key cache (kept honest by a change listener when
 * asked for), the rate limiter, the idempotency store, and the event publisher hooked into every
 * transaction's commit. Everything that writes through the API starts here; call `close()`
 * before closing the ORM.
 */
export function createPlatform(orm: MikroORM, logger: Logger, options: PlatformOptions = {}): Platform {
  orm.em.getEventManager().registerSubscriber(new EventPublisher());
  const connectionString = orm.config.get('clientUrl');
  if (!connectionString) throw new Error('The ORM is configured without clientUrl; the platform needs one');
  const apiKeys = new ApiKeyCache(orm, logger);
  const sessions = new SessionCache(orm, logger, options.sessions ?? DEFAULT_SESSION_LIFETIMES);
  const listener = options.listenForApiClientChanges
    ? new ApiClientListener(
        [
          { channel: API_CLIENT_CHANNEL, hearer: apiKeys },
          { channel: USER_CHANNEL, hearer: sessions },
        ],
        logger,
        { connectionString },
      )
    : null;
  listener?.start();
  const idempotency = new IdempotencyStore({}, logger);
  return {
    orm,
    logger,
    apiKeys,
    sessions,
    changeSync: listener ?? NO_CHANGE_SYNC,
    rateLimiter: rateLimiterFor(orm, logger, options),
    idempotency,
    replica: options.readReplica ?? null,
    onProcedureCall: options.onProcedureCall ?? (() => {}),
    async close() {
      await listener?.close();
      await options.readReplica?.close();
    },
  };
}

/** Where a caller's list or export read goes: the replica where it may, else the primary's `primaryEm`. */
export function readEmFor(platform: Platform, ownerId: string, primaryEm: EntityManager): EntityManager {
  return platform.replica ? platform.replica.emFor(ownerId, primaryEm) : primaryEm;
}

function rateLimiterFor(orm: MikroORM, logger: Logger, options: PlatformOptions): RateLimiter {
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (options.rateLimitStore === 'memory') return new ProcessRateLimiter(limit);
  const run: RunStatement = async (text, params) => {
    const result = (await orm.em.getConnection().getKnex().raw(text, params)) as { rows: never[] };
    return result.rows;
  };
  return new SharedRateLimiter(limit, run, logger);
}
