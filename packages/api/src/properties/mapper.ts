import type { PropertyDto, PropertySummaryDto } from '@takst/contract';
import type { Property } from '@takst/db';

type Timestamps = 'createdAt' | 'updatedAt';
/** A property entity, or a read-model row of one (timestamps as ISO strings). */
export type PropertyRecord = Omit<Property, Timestamps> & { createdAt: Date | string; updatedAt: Date | string };
export type PropertySummaryRecord = Pick<
  Property,
  | 'id'
  | 'street'
  | 'postalCode'
  | 'city'
  | 'unitNumber'
  | 'municipality'
  | 'gnr'
  | 'bnr'
  | 'fnr'
  | 'snr'
  | 'cadastreId'
  | 'cooperativeOrganizationNumber'
  | 'shareNumber'
>;

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function canonicalCadastreId(c: { municipality: string; gnr: number; bnr: number; fnr: number; snr: number }) {
  return `${c.municipality}-${c.gnr}-${c.bnr}-${c.fnr}-${c.snr}`;
}

export function toPropertySummary(p: PropertySummaryRecord): PropertySummaryDto {
  return {
    id: p.id,
    address: { street: p.street, postalCode: p.postalCode, city: p.city, unitNumber: p.unitNumber ?? null },
    cadastre:
      p.cadastreId && p.municipality && p.gnr != null && p.bnr != null
        ? { municipality: p.municipality, gnr: p.gnr, bnr: p.bnr, fnr: p.fnr ?? 0, snr: p.snr ?? 0, id: p.cadastreId }
        : null,
    share:
      p.cooperativeOrganizationNumber && p.shareNumber
        ? { organizationNumber: p.cooperativeOrganizationNumber, shareNumber: p.shareNumber }
        : null,
  };
}

export function toPropertyDto(p: PropertyRecord): PropertyDto {
  return {
    ...toPropertySummary(p),
    buildingYear: p.buildingYear ?? null,
    buildingType: p.buildingType ?? null,
    version: p.version,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
