import { z } from 'zod';
import {
  boundedText,
  emailSchema,
  expectedVersionSchema,
  idSchema,
  organizationNumberSchema,
  pageOf,
  paginationInput,
  phoneSchema,
  searchTextSchema,
  timestampSchema,
  versionSchema,
  withoutNationalId,
} from './common';
import { PARTY_KINDS } from './enums';
import { addressSchema } from './property';

export const partyKindSchema = z.enum(PARTY_KINDS).meta({
  description: 'Whether the party is a person or an organisation (company, cooperative, public body).',
  examples: ['person'],
});

const partyName = withoutNationalId(boundedText(200)).meta({
  description: "A person's full name or an organisation's name, up to 200 characters; no national identity numbers.",
  examples: ['Kari Nordmann'],
});

export const partyInputSchema = z
  .object({
    kind: partyKindSchema
      .optional()
      .describe('person or organization; defaults to organization when an organisation number is given, else person.'),
    name: partyName,
    email: emailSchema.optional().describe('E-mail address, up to 254 characters.'),
    phone: phoneSchema.optional().describe('Phone number: digits, spaces, parentheses, dashes and a leading +.'),
    organizationNumber: organizationNumberSchema
      .optional()
      .describe('Organisation number (9 digits, mod-11), for an organisation only; unique: one party per number.'),
    address: addressSchema.optional().describe('Postal address.'),
  })
  .refine((p) => !(p.kind === 'person' && p.organizationNumber), {
    message: 'A person has no organisation number',
    path: ['organizationNumber'],
  })
  .meta({
    description:
      'A party: a person or an organisation that orders, pays for or brokers assignments. A person has no organisation number. National identity numbers are never taken.',
  });

export const partySummarySchema = z
  .object({
    id: idSchema.describe("The party's id."),
    kind: partyKindSchema.describe('person or organization.'),
    name: z.string().meta({ description: "Full name, or the organisation's name.", examples: ['Kari Nordmann'] }),
    email: z
      .string()
      .nullable()
      .meta({ description: 'E-mail address; null when unknown.', examples: ['kari.nordmann@example.no'] }),
    phone: z
      .string()
      .nullable()
      .meta({ description: 'Phone number; null when unknown.', examples: ['+47 912 34 567'] }),
    organizationNumber: z
      .string()
      .nullable()
      .meta({ description: 'Organisation number (9 digits); null for a person.', examples: ['987654325'] }),
  })
  .meta({ id: 'PartySummary', description: 'A party as other records show it: who, and how to reach them.' });

export const partySchema = partySummarySchema
  .extend({
    address: addressSchema.nullable().describe('Postal address; null when unknown.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When it was registered.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({ id: 'Party', description: 'A party: a client, payer or estate agent, person or organisation.' });

export const createPartyInput = partyInputSchema.meta({
  description:
    'A new party. One organisation number belongs to one party: a second is refused with DUPLICATE_ORGANIZATION_NUMBER (`existingPartyId` in the error).',
  examples: [
    {
      kind: 'person',
      name: 'Kari Nordmann',
      email: 'kari.nordmann@example.no',
      phone: '+47 912 34 567',
      address: { street: 'Thereses gate 14', postalCode: '0452', city: 'Oslo' },
    },
  ],
});
export const getPartyInput = z
  .object({ id: idSchema.describe("The party's id.") })
  .meta({ description: 'Names one party by its id.' });

/** `null` clears an optional field. */
export const updatePartyInput = z
  .object({
    id: idSchema.describe("The party's id."),
    expectedVersion: expectedVersionSchema,
    patch: z
      .object({
        kind: partyKindSchema.describe('person or organization.'),
        name: partyName,
        email: emailSchema.nullable().describe('E-mail address, or null to clear it.'),
        phone: phoneSchema.nullable().describe('Phone number, or null to clear it.'),
        organizationNumber: organizationNumberSchema
          .nullable()
          .describe('Organisation number (organisations only), or null to clear it.'),
        address: addressSchema.nullable().describe('Postal address, or null to clear it.'),
      })
      .partial()
      .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field')
      .meta({
        description: 'The fields to change, at least one; a field left out stays as it is, `null` clears it.',
        examples: [{ phone: '+47 987 65 432' }],
      }),
  })
  .meta({ description: "Changes a party's fields." });

export const listPartiesInput = z
  .object({ ...paginationInput, kind: partyKindSchema.optional().describe('Only persons, or only organisations.') })
  .meta({ description: 'Every party, a page at a time, optionally of one kind.' })
  .prefault({});
export const searchPartiesInput = z
  .object({
    ...paginationInput,
    q: searchTextSchema.meta({
      description: 'Free text over the name, 2–200 characters; an exact organisation number also matches.',
      examples: ['Nordmann'],
    }),
  })
  .meta({ description: 'Finds parties by name or organisation number.' });
export const partyPageSchema = pageOf(partySchema).meta({ id: 'PartyPage', description: 'One page of parties.' });

export type PartyInput = z.output<typeof partyInputSchema>;
export type PartyDto = z.output<typeof partySchema>;
export type PartySummaryDto = z.output<typeof partySummarySchema>;
export type UpdatePartyInput = z.output<typeof updatePartyInput>;
export type PartyPatch = UpdatePartyInput['patch'];
export type ListPartiesInput = z.output<typeof listPartiesInput>;
export type SearchPartiesInput = z.output<typeof searchPartiesInput>;
