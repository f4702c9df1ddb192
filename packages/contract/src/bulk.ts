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
export const bulkUpsertItemSchema = z
  .object({
    key: z
      .union([
        z.object({
          externalRef: externalRefSchema.describe("The calling system's id for the assignment: created when new."),
        }),
        z.object({
          reference: assignmentReferenceSchema.describe("The platform's reference: the assignment must exist."),
        }),
      ])
      .describe("What the item is matched by: `{ externalRef }` (the calling system's id) or `{ reference }`."),
    assignment: createAssignmentInput.describe('The assignment, as in `assignments.create`.'),
  })
  .meta({
    description:
      "One item of a bulk upsert: the assignment (as in create) and the key it is matched by, an external reference of the calling system or the platform's own reference.",
  });

/**
 * Items are validated one by one (a bad item never fails the others), so the list itself only
 * bounds its size; each element is checked against `bulkUpsertItemSchema` by the server.
 */
export const bulkUpsertAssignmentsInput = z
  .object({
    items: z
      .array(z.unknown())
      .min(1)
      .max(BULK_MAX_ITEMS)
      .describe(
        'The items, 1–500, each `{ key, assignment }`: `key` is `{ externalRef: { system, externalId } }` or `{ reference }`, `assignment` as in create. Each is checked on its own: a bad item fails alone.',
      ),
  })
  .meta({ description: 'Creates or updates up to 500 assignments; each item succeeds or fails on its own.' });

/** Why one item failed: what a single call would have answered in `error.data` (code, message, details). */
export const bulkItemErrorSchema = z
  .object({
    errorCode: z
      .enum(ERROR_CODES)
      .meta({ description: 'The stable error code (docs/errors.md).', examples: ['VALIDATION_FAILED'] }),
    message: z.string().describe('What went wrong, for a person to read.'),
    issues: z
      .array(
        z.object({
          path: z
            .array(z.union([z.string(), z.number()]))
            .meta({ description: 'Where in the item.', examples: [['assignment', 'client', 'name']] }),
          message: z.string().describe('What is wrong there.'),
          code: z.string().meta({ description: "zod's issue code.", examples: ['too_small'] }),
        }),
      )
      .optional()
      .describe('VALIDATION_FAILED: the problems, with paths inside the item (e.g. `assignment.client.name`).'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "What the error adds, as in a single call's `error.data`: e.g. `from`, `to`, `allowed`, `currentVersion`.",
      ),
  })
  .meta({ description: 'Why one item failed: what a single call would have answered in `error.data`.' });

export const bulkUpsertResultSchema = z
  .object({
    index: z.number().int().min(0).describe("The item's position in `items`, from 0."),
    status: z
      .enum(['created', 'updated', 'unchanged', 'error'])
      .meta({ description: 'What happened to the item.', examples: ['created'] }),
    id: idSchema.optional().describe("The assignment's id; absent when the item failed before one was found."),
    reference: z
      .string()
      .optional()
      .meta({
        description: "The assignment's reference; absent when the item failed before one was found.",
        examples: ['2026-000123'],
      }),
    error: bulkItemErrorSchema.optional().describe('Why it failed; only with status `error`.'),
  })
  .meta({ description: 'What happened to one item of a bulk upsert.' });

const count = (what: string) => z.number().int().describe(`How many items ${what}.`);

export const bulkUpsertAssignmentsOutput = z
  .object({
    results: z.array(bulkUpsertResultSchema).describe('One result per item, in the order of `items`.'),
    counts: z
      .object({
        created: count('made a new assignment'),
        updated: count('changed an assignment'),
        unchanged: count('matched an assignment without changing it'),
        error: count('were refused or failed'),
      })
      .describe('The results counted by status.'),
  })
  .meta({ description: 'What happened to each item, and the totals.' });

/** Filters as in `assignments.list` (no sort: exports run in change order). */
export const exportFiltersSchema = listAssignmentsInput
  .unwrap()
  .pick({
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
  })
  .meta({ description: 'Which assignments: filters as in `assignments.list`, every one optional, combined.' });

/**
 * Where an export stopped: `<updatedAt>_<id>` of the last assignment it gave, e.g.
 * `2026-11-27T12:00:00.123Z_01936b2e-…`. Readable on purpose: a consumer of the NDJSON export
 * makes it from the last line it received.
 */
export const exportContinuationSchema = z
  .string()
  .min(1)
  .max(512)
  .meta({
    description:
      'Where an export stopped: `<updatedAt>_<id>` of the last assignment it gave (up to 512 characters); made from the last line received to resume.',
    examples: ['2026-03-02T09:30:00.123Z_0193a5e4-7c1d-7b3a-9f2e-4d5c6b7a8e91'],
  });

/**
 * One page of an export, in (updatedAt, id) order — the order of change, so an incremental sync
 * passes `updatedSince` and an interrupted export resumes from its `continuation` token, seeing
 * every assignment changed since at least once. Cancelled assignments are included.
 */
export const exportAssignmentsInput = exportFiltersSchema
  .extend({
    continuation: exportContinuationSchema
      .optional()
      .describe('The `continuation` of the previous page; leave out to start from the beginning.'),
    limit: z.number().int().min(1).max(5_000).default(1_000).describe('Page size: 1–5 000; default 1 000.'),
  })
  .meta({
    description:
      'One page of an export, in order of change (updatedAt, id), cancelled assignments included: pass `updatedSince` for an incremental sync, `continuation` to go on.',
  });
export const exportAssignmentsOutput = z
  .object({
    items: z.array(assignmentSchema).describe('The assignments, in order of change.'),
    continuation: z.string().nullable().describe('Pass it back to continue; null when the export has reached the end.'),
  })
  .meta({ description: 'One page of an export.' });

export const bulkTransitionInput = z
  .object({
    ids: z
      .array(idSchema)
      .min(1)
      .max(BULK_MAX_ITEMS)
      .optional()
      .describe('The assignments to move, 1–500 ids; give this or `filter`.'),
    filter: exportFiltersSchema.optional().describe('The assignments to move, by filter; give this or `ids`.'),
    to: assignmentStatusSchema.describe('The status to move them to.'),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(2_000)
      .meta({
        description: 'Why, up to 2 000 characters; kept with each move.',
        examples: ['Årsoppgjør: fakturert i Tripletex.'],
      }),
    dryRun: z.boolean().default(false).describe('true: report what would happen, change nothing. Default false.'),
    continuation: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('With a filter: the `continuation` of the previous call, to go on after the assignments it handled.'),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), {
    message: 'Give either ids or filter',
    path: ['ids'],
  })
  .meta({
    description: 'Moves many assignments to one status, by ids or by filter; each one moves or fails on its own.',
  });

export const bulkTransitionResultSchema = z
  .object({
    id: idSchema.describe("The assignment's id."),
    reference: z
      .string()
      .optional()
      .meta({ description: "The assignment's reference.", examples: ['2026-000123'] }),
    status: z
      .enum(['moved', 'would_move', 'error'])
      .meta({ description: 'moved; would_move (a dry run); or error.', examples: ['moved'] }),
    from: assignmentStatusSchema.optional().describe('The status it was in.'),
    error: bulkItemErrorSchema.optional().describe('Why it did not move; only with status `error`.'),
  })
  .meta({ description: 'What happened to one assignment of a bulk transition.' });
export const bulkTransitionOutput = z
  .object({
    results: z.array(bulkTransitionResultSchema).describe('One result per assignment handled.'),
    more: z.boolean().describe('With a filter: whether more assignments matched than one call handles (run it again).'),
    continuation: z
      .string()
      .nullable()
      .describe(
        'With a filter and `more`: pass it back to handle the next assignments (dry runs need it most); null otherwise.',
      ),
  })
  .meta({ description: 'What happened to each assignment, and whether there are more.' });

export type BulkUpsertItem = z.output<typeof bulkUpsertItemSchema>;
export type BulkUpsertResult = z.output<typeof bulkUpsertResultSchema>;
export type ExportAssignmentsInput = z.output<typeof exportAssignmentsInput>;
export type BulkTransitionInput = z.output<typeof bulkTransitionInput>;
export type BulkTransitionResult = z.output<typeof bulkTransitionResultSchema>;
export type BulkItemError = z.output<typeof bulkItemErrorSchema>;
export type ExportFilters = z.output<typeof exportFiltersSchema>;
