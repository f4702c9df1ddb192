import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The id a connected system gives an entity of the platform; unique per system and entity type. */
export const ExternalRefEntity = defineEntity({
  name: 'ExternalRef',
  tableName: 'external_refs',
  properties: {
    id: p.uuid().primary(),
    entityType: p.string(),
    system: p.string(),
    externalId: p.string(),
    entityId: p.uuid(),
    createdAt: p.datetime(3),
  },
});

export type ExternalRef = InferEntity<typeof ExternalRefEntity>;
