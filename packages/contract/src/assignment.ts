import { z } from 'zod';
import {
  boundedText,
  dateSchema,
  emailSchema,
  idSchema,
  organizationNumberSchema,
  pageOf,
  paginationInput,
  phoneSchema,
  timestampSchema,
} from './common';
import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES } from './enums';

export const assignmentTypeSchema = z.enum(ASSIGNMENT_TYPES);
export const assignmentStatusSchema = z.enum(ASSIGNMENT_STATUSES);

/** Human-readable assignment reference: year and a per-year sequence, e.g. 2026-000123. */
export const assignmentReferenceSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{6,}$/, 'Reference looks like 2026-000123');

export const addressSchema = z.object({
  street: boundedText(200),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'Postal code must be 4 digits'),
  city: boundedText(100),
});

const cadastreNumber = z.number().int().min(0).max(99_999);

/** Matrikkel identity: kommunenummer, gårdsnummer, bruksnummer, festenummer, seksjonsnummer. */
export const cadastreInputSchema = z.object({
  municipality: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'Municipality number must be 4 digits'),
  gnr: cadastreNumber.min(1),
  bnr: cadastreNumber.min(1),
  fnr: cadastreNumber.optional(),
  snr: cadastreNumber.optional(),
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

export const clientInputSchema = z.object({
  name: boundedText(200),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  organizationNumber: organizationNumberSchema.optional(),
});

export const propertyInputSchema = z.object({
  address: addressSchema,
  cadastre: cadastreInputSchema.optional(),
});

export const createAssignmentInput = z.object({
  type: assignmentTypeSchema,
  property: propertyInputSchema,
  client: clientInputSchema,
  dueDate: dateSchema.optional(),
  notes: z.string().trim().max(10_000).optional(),
});

export const assignmentSchema = z.object({
  id: idSchema,
  reference: z.string(),
  type: assignmentTypeSchema,
  status: assignmentStatusSchema,
  version: z.number().int().min(1),
  property: z.object({
    address: addressSchema,
    cadastre: cadastreSchema.nullable(),
  }),
  client: z.object({
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    organizationNumber: z.string().nullable(),
  }),
  dueDate: dateSchema.nullable(),
  notes: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const getAssignmentInput = z.object({ id: idSchema });
export const getAssignmentByReferenceInput = z.object({ reference: assignmentReferenceSchema });

export const listAssignmentsInput = z
  .object({
    ...paginationInput,
    status: z.array(assignmentStatusSchema).min(1).max(ASSIGNMENT_STATUSES.length).optional(),
    type: z.array(assignmentTypeSchema).min(1).max(ASSIGNMENT_TYPES.length).optional(),
  })
  // Parsed, so `list()` with no argument gets the default limit.
  .prefault({});

export const assignmentPageSchema = pageOf(assignmentSchema);

/** Nested objects are replaced whole; `null` clears an optional field. */
export const assignmentPatchSchema = z
  .object({
    type: assignmentTypeSchema,
    property: propertyInputSchema,
    client: clientInputSchema,
    dueDate: dateSchema.nullable(),
    notes: z.string().trim().max(10_000).nullable(),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field');

export const updateAssignmentInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: assignmentPatchSchema,
});

export type AssignmentDto = z.output<typeof assignmentSchema>;
export type CreateAssignmentInput = z.output<typeof createAssignmentInput>;
export type ListAssignmentsInput = z.output<typeof listAssignmentsInput>;
export type AssignmentPatch = z.output<typeof assignmentPatchSchema>;
export type CadastreInput = z.output<typeof cadastreInputSchema>;
