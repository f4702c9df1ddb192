import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export interface CertificationRecord {
  area: string;
  validFrom: string;
  validTo: string | null;
}

/** An appraiser (takstmann) and the certifications they hold, each valid over a period. */
export const AppraiserEntity = defineEntity({
  name: 'Appraiser',
  tableName: 'appraisers',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    email: p.string().nullable(),
    phone: p.string().nullable(),
    active: p.boolean(),
    certifications: p.json<CertificationRecord[]>(),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Appraiser = InferEntity<typeof AppraiserEntity>;
