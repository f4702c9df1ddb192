/** Where the server answers beside tRPC (/trpc) and the NDJSON export. */
export const METRICS_PATH = '/metrics';
export const OPENAPI_PATH = '/api/openapi.json';
