import type { ExternalRefEntityType, ExternalRefRecord } from '@takst/contract';
import type { ExternalRef } from '@takst/db';
import type { ExternalRefRow } from './store';

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function toExternalRefDto(ref: ExternalRef | ExternalRefRow): ExternalRefRecord {
  return {
    entityType: ref.entityType as ExternalRefEntityType,
    entityId: ref.entityId,
    system: ref.system,
    externalId: ref.externalId,
    createdAt: iso(ref.createdAt),
  };
}
