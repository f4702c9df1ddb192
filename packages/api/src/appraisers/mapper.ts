import type { AppraiserDto, CertificationArea } from '@takst/contract';
import type { Appraiser } from '@takst/db';

type Timestamps = 'createdAt' | 'updatedAt';
/** An appraiser entity, or a read-model row of one (timestamps as ISO strings). */
export type AppraiserRecord = Omit<Appraiser, Timestamps> & { createdAt: Date | string; updatedAt: Date | string };

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function toAppraiserDto(a: AppraiserRecord): AppraiserDto {
  return {
    id: a.id,
    name: a.name,
    email: a.email ?? null,
    phone: a.phone ?? null,
    active: a.active,
    certifications: a.certifications.map((c) => ({
      area: c.area as CertificationArea,
      validFrom: c.validFrom,
      validTo: c.validTo ?? null,
    })),
    version: a.version,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}
