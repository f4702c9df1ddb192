import { z } from 'zod';
import {
  boundedText,
  emailSchema,
  idSchema,
  organizationNumberSchema,
  pageOf,
  paginationInput,
  phoneSchema,
  timestampSchema,
  withoutNationalId,
} from './common';
import { PARTY_KINDS } from './enums';
import { addressSchema } from './property';

export const partyKindSchema = z.enum(PARTY_KINDS);

export const partyInputSchema = z
  .object({
    /** Defaults to organization when an organisation number is given, else person. */
    kind: partyKindSchema.optional(),
    name: withoutNationalId(boundedText(200)),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    organizationNumber: organizationNumberSchema.optional(),
    address: addressSchema.optional(),
  })
  .refine((p) => !(p.kind === 'person' && p.organizationNumber), {
    message: 'A person has no organisation number',
    path: ['organizationNumber'],
  });

export const partySummarySchema = z.object({
  id: idSchema,
  kind: partyKindSchema,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  organizationNumber: z.string().nullable(),
});

export const partySchema = partySummarySchema.extend({
  address: addressSchema.nullable(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const createPartyInput = partyInputSchema;
export const getPartyInput = z.object({ id: idSchema });

/** `null` clears an optional field. */
export const updatePartyInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: z
    .object({
      kind: partyKindSchema,
      name: withoutNationalId(boundedText(200)),
      email: emailSchema.nullable(),
      phone: phoneSchema.nullable(),
      organizationNumber: organizationNumberSchema.nullable(),
      address: addressSchema.nullable(),
    })
    .partial()
    .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field'),
});

export const listPartiesInput = z.object({ ...paginationInput, kind: partyKindSchema.optional() }).prefault({});
export const searchPartiesInput = z.object({
  ...paginationInput,
  /** Free text over the name; an exact organisation number also matches. */
  q: z.string().trim().min(2).max(200),
});
export const partyPageSchema = pageOf(partySchema);

export type PartyInput = z.output<typeof partyInputSchema>;
export type PartyDto = z.output<typeof partySchema>;
export type PartySummaryDto = z.output<typeof partySummarySchema>;
export type UpdatePartyInput = z.output<typeof updatePartyInput>;
export type PartyPatch = UpdatePartyInput['patch'];
export type ListPartiesInput = z.output<typeof listPartiesInput>;
export type SearchPartiesInput = z.output<typeof searchPartiesInput>;
