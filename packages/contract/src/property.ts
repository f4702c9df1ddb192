import { z } from 'zod';
import {
  boundedText,
  idSchema,
  organizationNumberSchema,
  pageOf,
  paginationInput,
  searchTextSchema,
  timestampSchema,
  versionSchema,
} from './common';

/** A postal address in Norway; taken and given the same way. */
export const addressSchema = z
  .object({
    street: boundedText(200).meta({
      description: 'Street name and house number (with letter), up to 200 characters.',
      examples: ['Thereses gate 14'],
    }),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{4}$/, 'Postal code must be 4 digits')
      .meta({ description: 'Postal code (postnummer): 4 digits.', examples: ['0452'] }),
    city: boundedText(100).meta({ description: 'Postal town (poststed), up to 100 characters.', examples: ['Oslo'] }),
  })
  .meta({ description: 'A postal address in Norway.' });

/** Kommunenummer: 4 digits. */
export const municipalitySchema = z
  .string()
  .trim()
  .regex(/^\d{4}$/, 'Municipality number must be 4 digits')
  .meta({ description: 'Municipality number (kommunenummer): 4 digits, e.g. 0301 for Oslo.', examples: ['0301'] });

const cadastreNumber = z.number().int().min(0).max(99_999);

/** Matrikkel identity: kommunenummer, gårdsnummer, bruksnummer, festenummer, seksjonsnummer. */
export const cadastreInputSchema = z
  .object({
    municipality: municipalitySchema.describe('Municipality number (kommunenummer): 4 digits.'),
    gnr: cadastreNumber.min(1).meta({ description: 'Gårdsnummer (farm number), 1–99 999.', examples: [215] }),
    bnr: cadastreNumber.min(1).meta({ description: 'Bruksnummer (holding number), 1–99 999.', examples: [412] }),
    fnr: cadastreNumber.optional().describe('Festenummer (leasehold number), 0–99 999; leave out (or 0) when none.'),
    snr: cadastreNumber
      .optional()
      .meta({ description: 'Seksjonsnummer (section number), 0–99 999; leave out (or 0) when none.', examples: [6] }),
  })
  .meta({
    description:
      "A property's identity in the cadastre (matrikkel): municipality, gårdsnummer, bruksnummer, and festenummer and seksjonsnummer where there are any.",
  });

/** A housing-cooperative share (borettslagsandel): the cooperative's organisation number and the share number. */
export const shareInputSchema = z
  .object({
    organizationNumber: organizationNumberSchema.describe(
      "The housing cooperative's (borettslag's) organisation number: 9 digits.",
    ),
    shareNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z-]{1,20}$/, 'Share number: up to 20 letters, digits or dashes')
      .meta({ description: 'The share number (andelsnummer): up to 20 letters, digits or dashes.', examples: ['27'] }),
  })
  .meta({
    description:
      "A housing-cooperative share (borettslagsandel): the cooperative's organisation number and the share number.",
  });

/** Bolignummer, e.g. H0101 (floor 01, flat 01). */
export const unitNumberSchema = z
  .string()
  .trim()
  .regex(/^[HUKL]\d{4}$/, 'Unit number looks like H0101')
  .meta({
    description:
      'The flat number (bolignummer): H (main floor), U (basement), K (cellar) or L (loft), then two digits for the floor and two for the flat, e.g. H0201.',
    examples: ['H0201'],
  });

export const propertyInputSchema = z
  .object({
    address: addressSchema
      .extend({ unitNumber: unitNumberSchema.optional() })
      .describe('Where it is; `unitNumber` (bolignummer) for a flat in a building of several.'),
    cadastre: cadastreInputSchema.optional().describe('Its identity in the cadastre (matrikkel); not with `share`.'),
    share: shareInputSchema
      .optional()
      .describe('For a cooperative flat: the share (borettslagsandel); not with `cadastre`.'),
    buildingYear: z
      .number()
      .int()
      .min(1000)
      .max(2100)
      .optional()
      .meta({ description: 'The year it was built, 1000–2100.', examples: [1936] }),
    buildingType: boundedText(100)
      .optional()
      .meta({ description: 'The kind of building, in words, up to 100 characters.', examples: ['Enebolig'] }),
  })
  .refine((p) => !(p.cadastre && p.share), {
    message: 'A property is a cadastre unit or a cooperative share, not both',
    path: ['share'],
  })
  .meta({
    description:
      'A property: its address, and its identity as a cadastre unit or a cooperative share (or neither, when unknown). A property with the same identity is the same property.',
  });

export const cadastreSchema = z
  .object({
    municipality: z.string().meta({ description: 'Municipality number (kommunenummer).', examples: ['0301'] }),
    gnr: z.number().int().describe('Gårdsnummer (farm number).'),
    bnr: z.number().int().describe('Bruksnummer (holding number).'),
    fnr: z.number().int().describe('Festenummer (leasehold number); 0 when none.'),
    snr: z.number().int().describe('Seksjonsnummer (section number); 0 when none.'),
    id: z.string().meta({
      description: 'The canonical form, municipality-gnr-bnr-fnr-snr.',
      examples: ['0301-215-412-0-6'],
    }),
  })
  .meta({ id: 'Cadastre', description: "A property's identity in the cadastre (matrikkel)." });

export const propertySummarySchema = z
  .object({
    id: idSchema.describe("The property's id."),
    address: z
      .object({
        street: z.string().meta({ description: 'Street name and house number.', examples: ['Thereses gate 14'] }),
        postalCode: z.string().meta({ description: 'Postal code (postnummer), 4 digits.', examples: ['0452'] }),
        city: z.string().meta({ description: 'Postal town (poststed).', examples: ['Oslo'] }),
        unitNumber: z
          .string()
          .nullable()
          .meta({ description: 'The flat number (bolignummer); null when none was given.', examples: ['H0201'] }),
      })
      .describe('Where it is.'),
    cadastre: cadastreSchema
      .nullable()
      .describe('Its identity in the cadastre; null for a cooperative share or when unknown.'),
    share: z
      .object({
        organizationNumber: z
          .string()
          .meta({ description: "The housing cooperative's organisation number.", examples: ['934567897'] }),
        shareNumber: z.string().meta({ description: 'The share number (andelsnummer).', examples: ['27'] }),
      })
      .nullable()
      .describe('The cooperative share (borettslagsandel); null for a cadastre unit or when unknown.'),
  })
  .meta({ id: 'PropertySummary', description: 'A property as other records show it: id, address and identity.' });

export const propertySchema = propertySummarySchema
  .extend({
    buildingYear: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The year it was built; null when unknown.', examples: [1936] }),
    buildingType: z.string().nullable().describe('The kind of building, in words; null when unknown.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When it was registered.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({
    id: 'Property',
    description: 'A property (eiendom): address, cadastre unit or cooperative share, building.',
  });

export const upsertPropertyInput = propertyInputSchema.meta({
  description:
    'A property to register: one with the same identity (cadastre or share) is returned as it is, else it is created (always, without a cadastre or share).',
  examples: [
    {
      address: { street: 'Thereses gate 14', postalCode: '0452', city: 'Oslo', unitNumber: 'H0201' },
      cadastre: { municipality: '0301', gnr: 215, bnr: 412, snr: 6 },
      buildingYear: 1936,
      buildingType: 'Leilighet i blokk',
    },
  ],
});
export const upsertPropertyOutput = z
  .object({
    property: propertySchema.describe('The property, as it is now.'),
    created: z.boolean().describe('True when it was made by this call, false when it existed already.'),
  })
  .meta({ description: 'The property registered or found.' });
export const getPropertyInput = z
  .object({ id: idSchema.describe("The property's id.") })
  .meta({ description: 'Names one property by its id.' });

export const searchPropertiesInput = z
  .object({
    ...paginationInput,
    q: searchTextSchema.optional().meta({
      description: 'Free text over street, postal code and city, 2–200 characters.',
      examples: ['Thereses gate'],
    }),
    municipality: municipalitySchema.optional().describe('Only properties in this municipality (kommunenummer).'),
    gnr: z.number().int().min(1).optional().describe('Only properties with this gårdsnummer.'),
    bnr: z.number().int().min(1).optional().describe('Only properties with this bruksnummer.'),
  })
  .meta({ description: 'Finds properties by text and cadastre numbers; every filter is optional, and they combine.' })
  .prefault({});
export const propertyPageSchema = pageOf(propertySchema).meta({
  id: 'PropertyPage',
  description: 'One page of properties.',
});

export type PropertyInput = z.output<typeof propertyInputSchema>;
export type PropertyDto = z.output<typeof propertySchema>;
export type PropertySummaryDto = z.output<typeof propertySummarySchema>;
export type SearchPropertiesInput = z.output<typeof searchPropertiesInput>;
