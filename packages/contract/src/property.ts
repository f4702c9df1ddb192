import { z } from 'zod';
import { boundedText, idSchema, organizationNumberSchema, pageOf, paginationInput, timestampSchema } from './common';

export const addressSchema = z.object({
  street: boundedText(200),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'Postal code must be 4 digits'),
  city: boundedText(100),
});

export const municipalitySchema = z
  .string()
  .trim()
  .regex(/^\d{4}$/, 'Municipality number must be 4 digits');

const cadastreNumber = z.number().int().min(0).max(99_999);

/** Matrikkel identity: kommunenummer, gårdsnummer, bruksnummer, festenummer, seksjonsnummer. */
export const cadastreInputSchema = z.object({
  municipality: municipalitySchema,
  gnr: cadastreNumber.min(1),
  bnr: cadastreNumber.min(1),
  fnr: cadastreNumber.optional(),
  snr: cadastreNumber.optional(),
});

/** A housing-cooperative share (borettslagsandel): the cooperative's organisation number and the share number. */
export const shareInputSchema = z.object({
  organizationNumber: organizationNumberSchema,
  shareNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{1,20}$/, 'Share number: up to 20 letters, digits or dashes'),
});

/** Bolignummer, e.g. H0101 (floor 01, flat 01). */
export const unitNumberSchema = z
  .string()
  .trim()
  .regex(/^[HUKL]\d{4}$/, 'Unit number looks like H0101');

export const propertyInputSchema = z
  .object({
    address: addressSchema.extend({ unitNumber: unitNumberSchema.optional() }),
    cadastre: cadastreInputSchema.optional(),
    share: shareInputSchema.optional(),
    buildingYear: z.number().int().min(1000).max(2100).optional(),
    buildingType: boundedText(100).optional(),
  })
  .refine((p) => !(p.cadastre && p.share), {
    message: 'A property is a cadastre unit or a cooperative share, not both',
    path: ['share'],
  });

export const cadastreSchema = z.object({
  municipality: z.string(),
  gnr: z.number().int(),
  bnr: z.number().int(),
  fnr: z.number().int(),
  snr: z.number().int(),
  /** Canonical form, e.g. "0301-208-84-0-0". */
  id: z.string(),
});

export const propertySummarySchema = z.object({
  id: idSchema,
  address: z.object({
    street: z.string(),
    postalCode: z.string(),
    city: z.string(),
    unitNumber: z.string().nullable(),
  }),
  cadastre: cadastreSchema.nullable(),
  share: z.object({ organizationNumber: z.string(), shareNumber: z.string() }).nullable(),
});

export const propertySchema = propertySummarySchema.extend({
  buildingYear: z.number().int().nullable(),
  buildingType: z.string().nullable(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const upsertPropertyInput = propertyInputSchema;
export const upsertPropertyOutput = z.object({ property: propertySchema, created: z.boolean() });
export const getPropertyInput = z.object({ id: idSchema });

export const searchPropertiesInput = z
  .object({
    ...paginationInput,
    /** Free text over street, postal code and city. */
    q: z.string().trim().min(2).max(200).optional(),
    municipality: municipalitySchema.optional(),
    gnr: z.number().int().min(1).optional(),
    bnr: z.number().int().min(1).optional(),
  })
  .prefault({});
export const propertyPageSchema = pageOf(propertySchema);

export type PropertyInput = z.output<typeof propertyInputSchema>;
export type PropertyDto = z.output<typeof propertySchema>;
export type PropertySummaryDto = z.output<typeof propertySummarySchema>;
export type SearchPropertiesInput = z.output<typeof searchPropertiesInput>;
