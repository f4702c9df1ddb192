import { z } from 'zod';
import {
  boundedText,
  dateSchema,
  emailSchema,
  idSchema,
  pageOf,
  paginationInput,
  phoneSchema,
  timestampSchema,
  withoutNationalId,
} from './common';
import { CERTIFICATION_AREAS } from './enums';

export const certificationAreaSchema = z.enum(CERTIFICATION_AREAS);

/** A certification held over a period of calendar days; validFrom and validTo are inclusive, no validTo: open-ended. */
export const certificationInputSchema = z
  .object({
    area: certificationAreaSchema,
    validFrom: dateSchema,
    validTo: dateSchema.nullable().optional(),
  })
  .refine((c) => c.validTo == null || c.validTo >= c.validFrom, {
    message: 'validTo must be on or after validFrom',
    path: ['validTo'],
  });

/** The whole list; an update replaces it. */
const certificationsInput = z.array(certificationInputSchema).max(50);

const appraiserName = withoutNationalId(boundedText(200));

export const createAppraiserInput = z.object({
  name: appraiserName,
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  active: z.boolean().default(true),
  certifications: certificationsInput.default([]),
});

export const getAppraiserInput = z.object({ id: idSchema });

/** `null` clears an optional field; `certifications` replaces the list. */
export const updateAppraiserInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: z
    .object({
      name: appraiserName,
      email: emailSchema.nullable(),
      phone: phoneSchema.nullable(),
      active: z.boolean(),
      certifications: certificationsInput,
    })
    .partial()
    .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field'),
});

export const listAppraisersInput = z
  .object({
    ...paginationInput,
    active: z.boolean().optional(),
    /** Only appraisers holding this certification on `on`. */
    certifiedFor: certificationAreaSchema.optional(),
    /** The day `certifiedFor` is checked on; today in Europe/Oslo by default. */
    on: dateSchema.optional(),
  })
  .refine((input) => input.on === undefined || input.certifiedFor !== undefined, {
    message: '`on` needs `certifiedFor`',
    path: ['on'],
  })
  // Parsed, so `list()` with no argument gets the defaults.
  .prefault({});

export const certificationSchema = z.object({
  area: certificationAreaSchema,
  validFrom: dateSchema,
  validTo: dateSchema.nullable(),
});

export const appraiserSchema = z.object({
  id: idSchema,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
  certifications: z.array(certificationSchema),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const appraiserPageSchema = pageOf(appraiserSchema);

export type CertificationInput = z.output<typeof certificationInputSchema>;
export type CertificationDto = z.output<typeof certificationSchema>;
export type AppraiserDto = z.output<typeof appraiserSchema>;
export type CreateAppraiserInput = z.output<typeof createAppraiserInput>;
export type UpdateAppraiserInput = z.output<typeof updateAppraiserInput>;
export type AppraiserPatch = UpdateAppraiserInput['patch'];
export type ListAppraisersInput = z.output<typeof listAppraisersInput>;
