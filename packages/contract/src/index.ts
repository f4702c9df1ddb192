export * from './api-client';
export * from './assignment';
export * from './common';
export * from './enums';
export * from './errors';
export * from './lifecycle';
export * from './party';
export * from './property';
