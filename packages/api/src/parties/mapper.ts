import type { PartyDto, PartyKind, PartySummaryDto } from '@takst/contract';
import type { Party } from '@takst/db';

type Timestamps = 'createdAt' | 'updatedAt';
/** A party entity, or a read-model row of one (timestamps as ISO strings). */
export type PartyRecord = Omit<Party, Timestamps> & { createdAt: Date | string; updatedAt: Date | string };
export type PartySummaryRecord = Pick<Party, 'id' | 'kind' | 'name' | 'email' | 'phone' | 'organizationNumber'>;

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function toPartySummary(p: PartySummaryRecord): PartySummaryDto {
  return {
    id: p.id,
    kind: p.kind as PartyKind,
    name: p.name,
    email: p.email ?? null,
    phone: p.phone ?? null,
    organizationNumber: p.organizationNumber ?? null,
  };
}

export function toPartyDto(p: PartyRecord): PartyDto {
  return {
    ...toPartySummary(p),
    address: p.street && p.postalCode && p.city ? { street: p.street, postalCode: p.postalCode, city: p.city } : null,
    version: p.version,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
