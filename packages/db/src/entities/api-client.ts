import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A connected system, app, script or person. Only a SHA-256 hash of its key is stored. */
export const ApiClientEntity = defineEntity({
  name: 'ApiClient',
  tableName: 'api_clients',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    keyHash: p.string().unique(),
    keyPrefix: p.string(),
    scopes: p.array(),
    createdAt: p.datetime(3),
    lastUsedAt: p.datetime(3).nullable(),
    revokedAt: p.datetime(3).nullable(),
  },
});

export type ApiClient = InferEntity<typeof ApiClientEntity>;
