export { type Config, ConfigError, loadConfig } from './config';
export { createLogger } from './logger';
export { type RunningServer, type StartOptions, startServer } from './server';
