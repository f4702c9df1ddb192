import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A person or an organisation that orders, pays for or brokers assignments. No national id numbers. */
export const PartyEntity = defineEntity({
  name: 'Party',
  tableName: 'parties',
  properties: {
    id: p.uuid().primary(),
    kind: p.string(),
    name: p.string(),
    email: p.string().nullable(),
    phone: p.string().nullable(),
    organizationNumber: p.string().nullable(),
    street: p.string().nullable(),
    postalCode: p.string().nullable(),
    city: p.string().nullable(),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Party = InferEntity<typeof PartyEntity>;
