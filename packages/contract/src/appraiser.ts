import { z } from 'zod';
import {
  boundedText,
  dateSchema,
  emailSchema,
  expectedVersionSchema,
  idSchema,
  pageOf,
  paginationInput,
  phoneSchema,
  timestampSchema,
  versionSchema,
  withoutNationalId,
} from './common';
import { CERTIFICATION_AREAS } from './enums';

export const certificationAreaSchema = z.enum(CERTIFICATION_AREAS).meta({
  description:
    'A field an appraiser is certified in, which assignments of most types need: condition (condition reports), valuation (valuations, value assessments, pre-completion valuations), damage (damage and complaint reports), energy (energy certificates), area_measurement (area measurements). Handover inspections need none.',
  examples: ['condition'],
});

/** A certification held over a period of calendar days; validFrom and validTo are inclusive, no validTo: open-ended. */
export const certificationInputSchema = z
  .object({
    area: certificationAreaSchema.describe('The field certified in.'),
    validFrom: dateSchema.describe('The first day it is valid, YYYY-MM-DD.'),
    validTo: dateSchema
      .nullable()
      .optional()
      .meta({
        description:
          'The last day it is valid (inclusive), YYYY-MM-DD, on or after `validFrom`; null or absent: open-ended.',
        examples: ['2029-12-31'],
      }),
  })
  .refine((c) => c.validTo == null || c.validTo >= c.validFrom, {
    message: 'validTo must be on or after validFrom',
    path: ['validTo'],
  })
  .meta({
    description: 'A certification held over a period of calendar days, both ends inclusive.',
    examples: [{ area: 'condition', validFrom: '2025-01-01', validTo: '2029-12-31' }],
  });

/** The whole list; an update replaces it. */
const certificationsInput = z.array(certificationInputSchema).max(50);

const appraiserName = withoutNationalId(boundedText(200)).meta({
  description: "The appraiser's full name, up to 200 characters.",
  examples: ['Ola Nordmann'],
});

export const createAppraiserInput = z
  .object({
    name: appraiserName,
    email: emailSchema.optional().describe('E-mail address.'),
    phone: phoneSchema.optional().describe('Phone number.'),
    active: z.boolean().default(true).describe('Whether they take assignments; default true.'),
    certifications: certificationsInput.default([]).describe('The certifications they hold, up to 50; default none.'),
  })
  .meta({
    description: 'A new appraiser (takstmann) and the certifications they hold.',
    examples: [
      {
        name: 'Ola Nordmann',
        email: 'ola.nordmann@takst.example.no',
        phone: '+47 934 56 789',
        active: true,
        certifications: [
          { area: 'condition', validFrom: '2025-01-01', validTo: '2029-12-31' },
          { area: 'valuation', validFrom: '2024-06-01', validTo: null },
        ],
      },
    ],
  });

export const getAppraiserInput = z
  .object({ id: idSchema.describe("The appraiser's id.") })
  .meta({ description: 'Names one appraiser by id.' });

/** `null` clears an optional field; `certifications` replaces the list. */
export const updateAppraiserInput = z
  .object({
    id: idSchema.describe("The appraiser's id."),
    expectedVersion: expectedVersionSchema,
    patch: z
      .object({
        name: appraiserName,
        email: emailSchema.nullable().describe('E-mail address, or null to clear it.'),
        phone: phoneSchema.nullable().describe('Phone number, or null to clear it.'),
        active: z.boolean().describe('false: takes no new assignments.'),
        certifications: certificationsInput.describe(
          'The whole list of certifications, up to 50: it replaces the old one.',
        ),
      })
      .partial()
      .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field')
      .meta({
        description:
          'The fields to change, at least one; a field left out stays as it is, `null` clears it, `certifications` replaces the list.',
        examples: [{ phone: '+47 934 56 780', active: false }],
      }),
  })
  .meta({ description: "Changes an appraiser's fields." });

export const listAppraisersInput = z
  .object({
    ...paginationInput,
    active: z.boolean().optional().describe('Only active (true) or only inactive (false) appraisers.'),
    certifiedFor: certificationAreaSchema.optional().describe('Only appraisers holding this certification on `on`.'),
    on: dateSchema
      .optional()
      .describe(
        'The day `certifiedFor` is checked on, YYYY-MM-DD; today in Europe/Oslo by default. Needs `certifiedFor`.',
      ),
  })
  .refine((input) => input.on === undefined || input.certifiedFor !== undefined, {
    message: '`on` needs `certifiedFor`',
    path: ['on'],
  })
  .meta({ description: 'Appraisers, a page at a time; every filter is optional.' })
  // Parsed, so `list()` with no argument gets the defaults.
  .prefault({});

export const certificationSchema = z
  .object({
    area: certificationAreaSchema.describe('The field certified in.'),
    validFrom: dateSchema.describe('The first day it is valid, YYYY-MM-DD.'),
    validTo: dateSchema.nullable().describe('The last day it is valid (inclusive), YYYY-MM-DD; null: open-ended.'),
  })
  .meta({
    id: 'Certification',
    description: 'A certification an appraiser holds, from `validFrom` to `validTo`, inclusive.',
  });

export const appraiserSchema = z
  .object({
    id: idSchema.describe("The appraiser's id."),
    name: z.string().meta({ description: 'Full name.', examples: ['Ola Nordmann'] }),
    email: z
      .string()
      .nullable()
      .meta({ description: 'E-mail address; null when unknown.', examples: ['ola.nordmann@takst.example.no'] }),
    phone: z
      .string()
      .nullable()
      .meta({ description: 'Phone number; null when unknown.', examples: ['+47 934 56 789'] }),
    active: z.boolean().describe('Whether they take assignments.'),
    certifications: z.array(certificationSchema).describe('The certifications they hold, past, present and future.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When the appraiser was added.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({ id: 'Appraiser', description: 'An appraiser (takstmann): who inspects and writes the reports.' });

export const appraiserPageSchema = pageOf(appraiserSchema).meta({
  id: 'AppraiserPage',
  description: 'One page of appraisers.',
});

export type CertificationInput = z.output<typeof certificationInputSchema>;
export type CertificationDto = z.output<typeof certificationSchema>;
export type AppraiserDto = z.output<typeof appraiserSchema>;
export type CreateAppraiserInput = z.output<typeof createAppraiserInput>;
export type UpdateAppraiserInput = z.output<typeof updateAppraiserInput>;
export type AppraiserPatch = UpdateAppraiserInput['patch'];
export type ListAppraisersInput = z.output<typeof listAppraisersInput>;
