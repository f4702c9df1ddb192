export { createLog, type Log, type LogLevel } from '@takst/connector-runtime';
export { ConfigError, loadConfig, type SupportSyncConfig } from './config';
export { checkDeskSignature, type DeskSignatureFailure } from './desk-signature';
export { type StartOptions, type SupportSyncService, startSupportSync, WEBHOOK_PATH } from './service';
export { OWN_KEY_PREFIX, PLATFORM_EVENT_TYPES, SYSTEM } from './sync';
