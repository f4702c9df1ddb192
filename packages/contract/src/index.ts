export * from './api-client';
export * from './assignment';
export * from './common';
export * from './enums';
export * from './errors';
