import { z } from 'zod';
import { dateSchema, idSchema, pageOf, paginationInput, timestampSchema, withoutNationalId } from './common';
import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES } from './enums';
import { partyInputSchema, partySummarySchema } from './party';
import { municipalitySchema, propertyInputSchema, propertySummarySchema } from './property';

export const assignmentTypeSchema = z.enum(ASSIGNMENT_TYPES);
export const assignmentStatusSchema = z.enum(ASSIGNMENT_STATUSES);

/** Human-readable assignment reference: year and a per-year sequence, e.g. 2026-000123. */
export const assignmentReferenceSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{6,}$/, 'Reference looks like 2026-000123');

const notesSchema = withoutNationalId(z.string().trim().max(10_000));

/** Refuses an object that names a thing both by id and inline, or (when required) not at all. */
function oneOf<T extends Record<string, unknown>>(
  idKey: keyof T & string,
  inlineKey: keyof T & string,
  required: boolean,
) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const byId = value[idKey] !== undefined;
    const inline = value[inlineKey] !== undefined;
    if (byId && inline) {
      ctx.addIssue({ code: 'custom', path: [inlineKey], message: `Give ${idKey} or ${inlineKey}, not both` });
    } else if (required && !byId && !inline) {
      ctx.addIssue({ code: 'custom', path: [inlineKey], message: `Give ${idKey} or ${inlineKey}` });
    }
  };
}

/**
 * Property and parties are given by id, or inline: an inline property is upserted by its
 * identity (cadastre or share), an inline organisation is matched by its organisation number,
 * anything else inline is created. The payer defaults to the client.
 */
export const createAssignmentInput = z
  .object({
    type: assignmentTypeSchema,
    propertyId: idSchema.optional(),
    property: propertyInputSchema.optional(),
    clientId: idSchema.optional(),
    client: partyInputSchema.optional(),
    payerId: idSchema.optional(),
    payer: partyInputSchema.optional(),
    brokerId: idSchema.optional(),
    broker: partyInputSchema.optional(),
    appraiserId: idSchema.optional(),
    dueDate: dateSchema.optional(),
    notes: notesSchema.optional(),
  })
  .superRefine((value, ctx) => {
    oneOf<typeof value>('propertyId', 'property', true)(value, ctx);
    oneOf<typeof value>('clientId', 'client', true)(value, ctx);
    oneOf<typeof value>('payerId', 'payer', false)(value, ctx);
    oneOf<typeof value>('brokerId', 'broker', false)(value, ctx);
  });

export const appraiserSummarySchema = z.object({ id: idSchema, name: z.string() });

export const assignmentSchema = z.object({
  id: idSchema,
  reference: z.string(),
  type: assignmentTypeSchema,
  status: assignmentStatusSchema,
  /** While on hold: the status it returns to. */
  statusBeforeHold: assignmentStatusSchema.nullable(),
  version: z.number().int().min(1),
  property: propertySummarySchema,
  client: partySummarySchema,
  payer: partySummarySchema,
  broker: partySummarySchema.nullable(),
  appraiser: appraiserSummarySchema.nullable(),
  dueDate: dateSchema.nullable(),
  notes: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const getAssignmentInput = z.object({ id: idSchema });
export const getAssignmentByReferenceInput = z.object({ reference: assignmentReferenceSchema });

export const ASSIGNMENT_SORT_FIELDS = ['createdAt', 'dueDate'] as const;

export const listAssignmentsInput = z
  .object({
    ...paginationInput,
    status: z.array(assignmentStatusSchema).min(1).max(ASSIGNMENT_STATUSES.length).optional(),
    type: z.array(assignmentTypeSchema).min(1).max(ASSIGNMENT_TYPES.length).optional(),
    appraiserId: idSchema.optional(),
    clientId: idSchema.optional(),
    municipality: municipalitySchema.optional(),
    /** Created at or after. */
    createdFrom: timestampSchema.optional(),
    /** Created before. */
    createdTo: timestampSchema.optional(),
    /** Due before this date (exclusive); assignments without a due date never match. */
    dueBefore: dateSchema.optional(),
    /** Changed at or after. */
    updatedSince: timestampSchema.optional(),
    /** Free text over reference, address and client name; every word must match. */
    q: z.string().trim().min(2).max(200).optional(),
    /** createdAt: newest first by default; dueDate: soonest first by default, undated last. */
    sort: z.enum(ASSIGNMENT_SORT_FIELDS).default('createdAt'),
    direction: z.enum(['asc', 'desc']).optional(),
  })
  // Parsed, so `list()` with no argument gets the defaults.
  .prefault({});

export const assignmentPageSchema = pageOf(assignmentSchema);

/** Relations by id or inline, as in create; `null` clears an optional field. */
export const assignmentPatchSchema = z
  .object({
    type: assignmentTypeSchema,
    propertyId: idSchema,
    property: propertyInputSchema,
    clientId: idSchema,
    client: partyInputSchema,
    payerId: idSchema,
    payer: partyInputSchema,
    brokerId: idSchema.nullable(),
    broker: partyInputSchema,
    dueDate: dateSchema.nullable(),
    notes: notesSchema.nullable(),
  })
  .partial()
  .superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'The patch must change at least one field' });
    }
    oneOf<typeof value>('propertyId', 'property', false)(value, ctx);
    oneOf<typeof value>('clientId', 'client', false)(value, ctx);
    oneOf<typeof value>('payerId', 'payer', false)(value, ctx);
    oneOf<typeof value>('brokerId', 'broker', false)(value, ctx);
  });

export const updateAssignmentInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: assignmentPatchSchema,
});

export const transitionAssignmentInput = z.object({
  id: idSchema,
  to: assignmentStatusSchema,
  reason: z.string().trim().min(1).max(2_000).optional(),
  expectedVersion: z.number().int().min(1),
});

export const assignAssignmentInput = z.object({
  id: idSchema,
  appraiserId: idSchema,
  expectedVersion: z.number().int().min(1),
});

export type AssignmentDto = z.output<typeof assignmentSchema>;
export type CreateAssignmentInput = z.output<typeof createAssignmentInput>;
export type ListAssignmentsInput = z.output<typeof listAssignmentsInput>;
export type AssignmentPatch = z.output<typeof assignmentPatchSchema>;
