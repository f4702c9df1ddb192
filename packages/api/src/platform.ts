import type { EntityManager, MikroORM } from '@takst/db';
import { ApiKeyCache } from './auth/api-key-cache';
import type { RootContext } from './context';
import { EventPublisher } from './events/publisher';
import type { Logger } from './lib/logger';

/** The server's long-lived resources, handed to the API once at start-up. */
export interface Platform {
  orm: MikroORM;
  logger: Logger;
  apiKeys: ApiKeyCache;
}

// Resources travel beside the context, never in it, so they never reach the router's type.
const platforms = new WeakMap<RootContext, Platform>();

export function createRootContext(platform: Platform, request: RootContext): RootContext {
  const ctx: RootContext = { requestId: request.requestId, authorization: request.authorization };
  platforms.set(ctx, platform);
  return ctx;
}

export function platformOf(ctx: RootContext): Platform {
  const platform = platforms.get(ctx);
  if (!platform) throw new Error('Context was not made by createRootContext');
  return platform;
}

/** The authenticated caller, recorded on every write. */
export interface Actor {
  clientId: string;
  name: string;
  scopes: readonly string[];
}

/**
 * What a service needs from a request: the request's EntityManager, who is acting, and the
 * request id (both recorded with every write). Procedures pass their tRPC ctx, which has these.
 */
export interface ServiceContext {
  em: EntityManager;
  actor: Actor;
  requestId: string;
}

/**
 * The platform over an initialised ORM: its API-key cache, and the event publisher hooked into
 * every transaction's commit. Everything that writes through the API starts here.
 */
export function createPlatform(orm: MikroORM, logger: Logger): Platform {
  orm.em.getEventManager().registerSubscriber(new EventPublisher());
  return { orm, logger, apiKeys: new ApiKeyCache(orm, logger) };
}
