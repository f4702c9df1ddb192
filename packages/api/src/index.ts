export { ApiKeyCache, type ApiKeyCacheOptions } from './auth/api-key-cache';
export { generateApiKey, hashApiKey, isWellFormedApiKey, parseBearer } from './auth/api-keys';
export { checkCsrf } from './auth/caller';
export { KeyRevoked, KeyWatch } from './auth/key-watch';
export { type OidcSignInAttempt, signInWithOidc } from './auth/oidc-sign-in';
export { AUTHENTICATED } from './auth/scopes';
export { createApiClient } from './auth/service';
export { DEFAULT_SESSION_LIFETIMES, type SessionLifetimes } from './auth/session-cache';
export { type SignedIn, type SignInAttempt, signIn, signOut, throttleDelayMs } from './auth/sign-in';
export * from './bulk/index';
export type { RootContext } from './context';
export { DomainError, refusalOfBadValue } from './errors';
export { closeEventStreams } from './events/feed';
export { type Logger, silentLogger } from './lib/logger';
export { refusalOfJsonText } from './lib/raw-json';
export { sqlStateOf } from './lib/sql-state';
export { uuidv7 } from './lib/uuid';
export { openApiDocument } from './openapi';
export {
  type Actor,
  createPlatform,
  createRootContext,
  type Platform,
  type ProcedureCall,
  platformOf,
  readEmFor,
} from './platform';
export { RATE_LIMIT_STORES, type RateLimitStore } from './rate-limit/rate-limiter';
export { DEFAULT_READ_REPLICA_OPTIONS, ReadReplica, type ReadReplicaOptions } from './replica/read-replica';
export { inputOfBody, inputOfQuery } from './rest/input';
export { type InputField, matchRoute, type RestOperation, restOperations } from './rest/routes';
export { appRouter, createCaller } from './router';
export type { AppRouter } from './router-type';
export { refusalOfSubscription } from './subscription-check';
export type { ProcedureMeta, RestRoute, TakstErrorShape } from './trpc';
export {
  hashPassword,
  needsRehash,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordWeakness,
  verifyPassword,
} from './users/passwords';
export { createUser } from './users/service';
export { SET_PASSWORD_LINK_TTL_MS, setPasswordWithToken } from './users/set-password-links';
export * from './webhooks/index';
