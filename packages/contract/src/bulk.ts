import { z } from 'zod';
import {
  assignmentReferenceSchema,
  assignmentSchema,
  assignmentStatusSchema,
  createAssignmentInput,
  listAssignmentsInput,
} from './assignment';
import { idSchema } from './common';
import { ERROR_CODES } from './enums';
import { externalRefSchema } from './external-ref';

export const BULK_MAX_ITEMS = 500;

/**
 * One item of a bulk upsert: the assignment's fields (as in create) and the key it is matched
 * by — an external reference of the calling system, or the platform's own reference.
 */
export const bulkUpsertItemSchema = z.object({
  key: z.union([z.object({ externalRef: externalRefSchema }), z.object({ reference: assignmentReferenceSchema })]),
  assignment: createAssignmentInput,
});

/**
 * Items are validated one by one (a bad item never fails the others), so the list itself only
 * bounds its size; each element is checked against `bulkUpsertItemSchema` by the server.
 */
export const bulkUpsertAssignmentsInput = z.object({
  items: z.array(z.unknown()).min(1).max(BULK_MAX_ITEMS),
});

/** Why one item failed: what a single call would have answered in `error.data` (code, message, details). */
export const bulkItemErrorSchema = z.object({
  errorCode: z.enum(ERROR_CODES),
  message: z.string(),
  /** VALIDATION_FAILED: the problems, with paths inside the item (e.g. `assignment.client.name`). */
  issues: z
    .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), code: z.string() }))
    .optional(),
  /** What the error adds, as in a single call's `error.data`: e.g. `from`, `to`, `allowed`, `currentVersion`. */
  details: z.record(z.string(), z.unknown()).optional(),
});

export const bulkUpsertResultSchema = z.object({
  index: z.number().int().min(0),
  status: z.enum(['created', 'updated', 'unchanged', 'error']),
  id: idSchema.optional(),
  reference: z.string().optional(),
  error: bulkItemErrorSchema.optional(),
});

export const bulkUpsertAssignmentsOutput = z.object({
  results: z.array(bulkUpsertResultSchema),
  counts: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    error: z.number().int(),
  }),
});

/** Filters as in `assignments.list` (no sort: exports run in change order). */
export const exportFiltersSchema = listAssignmentsInput.unwrap().pick({
  status: true,
  type: true,
  appraiserId: true,
  clientId: true,
  municipality: true,
  createdFrom: true,
  createdTo: true,
  dueBefore: true,
  updatedSince: true,
  q: true,
});

/**
 * Where an export stopped: `<updatedAt>_<id>` of the last assignment it gave, e.g.
 * `2026-11-27T12:00:00.123Z_01936b2e-…`. Readable on purpose: a consumer of the NDJSON export
 * makes it from the last line it received.
 */
export const exportContinuationSchema = z.string().min(1).max(512);

/**
 * One page of an export, in (updatedAt, id) order — the order of change, so an incremental sync
 * passes `updatedSince` and an interrupted export resumes from its `continuation` token, seeing
 * every assignment changed since at least once. Cancelled assignments are included.
 */
export const exportAssignmentsInput = exportFiltersSchema.extend({
  continuation: exportContinuationSchema.optional(),
  limit: z.number().int().min(1).max(5_000).default(1_000),
});
export const exportAssignmentsOutput = z.object({
  items: z.array(assignmentSchema),
  /** Pass back to continue; null when the export has reached the end. */
  continuation: z.string().nullable(),
});

export const bulkTransitionInput = z
  .object({
    ids: z.array(idSchema).min(1).max(BULK_MAX_ITEMS).optional(),
    filter: exportFiltersSchema.optional(),
    to: assignmentStatusSchema,
    reason: z.string().trim().min(1).max(2_000),
    /** Report what would happen, change nothing. */
    dryRun: z.boolean().default(false),
    /** With a filter: the `continuation` of the previous call, to go on after the assignments it handled. */
    continuation: z.string().min(1).max(512).optional(),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), {
    message: 'Give either ids or filter',
    path: ['ids'],
  });

export const bulkTransitionResultSchema = z.object({
  id: idSchema,
  reference: z.string().optional(),
  status: z.enum(['moved', 'would_move', 'error']),
  from: assignmentStatusSchema.optional(),
  error: bulkItemErrorSchema.optional(),
});
export const bulkTransitionOutput = z.object({
  results: z.array(bulkTransitionResultSchema),
  /** With a filter: whether more assignments matched than one call handles (run it again). */
  more: z.boolean(),
  /** With a filter and `more`: pass it back to handle the next assignments (dry runs need it most). */
  continuation: z.string().nullable(),
});

export type BulkUpsertItem = z.output<typeof bulkUpsertItemSchema>;
export type BulkUpsertResult = z.output<typeof bulkUpsertResultSchema>;
export type ExportAssignmentsInput = z.output<typeof exportAssignmentsInput>;
export type BulkTransitionInput = z.output<typeof bulkTransitionInput>;
export type BulkTransitionResult = z.output<typeof bulkTransitionResultSchema>;
export type BulkItemError = z.output<typeof bulkItemErrorSchema>;
export type ExportFilters = z.output<typeof exportFiltersSchema>;
