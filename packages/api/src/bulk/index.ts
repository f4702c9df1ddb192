// What the server's plain HTTP endpoints for bulk work need from the API.
export { authorizeHttpCall } from './authorize';
export { continuationOf, type ExportPosition, parseContinuation } from './export';
export { type NdjsonBatch, NdjsonExport } from './ndjson';
