export { ConfigError, type Env, EnvReader } from './env';
export { type ConnectorServer, type RouteHandler, readBody, sendJson, startHttp } from './http';
export { createLog, errorFields, LOG_LEVELS, type Log, type LogFields, type LogLevel } from './log';
export { eachLimited, KeyedQueue, RecentDeliveries } from './once';
export { exitOnFailure, type RunningService, runUntilSignalled } from './run';
