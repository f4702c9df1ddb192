import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A property (eiendom): a cadastre unit, a housing-cooperative share, or an address alone. */
export const PropertyEntity = defineEntity({
  name: 'Property',
  tableName: 'properties',
  properties: {
    id: p.uuid().primary(),
    municipality: p.string().nullable(),
    gnr: p.integer().nullable(),
    bnr: p.integer().nullable(),
    fnr: p.integer().nullable(),
    snr: p.integer().nullable(),
    /** Canonical cadastre identity, e.g. "0301-208-84-0-0"; unique. */
    cadastreId: p.string().nullable(),
    cooperativeOrganizationNumber: p.string().nullable(),
    shareNumber: p.string().nullable(),
    street: p.string(),
    postalCode: p.string(),
    city: p.string(),
    unitNumber: p.string().nullable(),
    buildingYear: p.integer().nullable(),
    buildingType: p.string().nullable(),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Property = InferEntity<typeof PropertyEntity>;
