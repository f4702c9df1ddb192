// The webhook pieces of @takst/api that the host needs. Until `export * from './webhooks/index'`
// is added to packages/api/src/index.ts they are reached by path; the same module instance
// either way, so the settings the server registers are the ones the API reads.
export * from '../../../../packages/api/src/webhooks/index';
