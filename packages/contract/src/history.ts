import { z } from 'zod';
import { assignmentStatusSchema } from './assignment';
import { idSchema, pageOf, paginationInput, timestampSchema } from './common';

const inspectionTimes = z.object({ startsAt: timestampSchema, endsAt: timestampSchema });

/** One thing that happened to an assignment, for `assignments.timeline`. */
export const timelineEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status_changed'),
    at: timestampSchema,
    from: assignmentStatusSchema,
    to: assignmentStatusSchema,
    reason: z.string().nullable(),
    actor: z.string(),
  }),
  z.object({
    kind: z.literal('inspection_booked'),
    at: timestampSchema,
    inspectionId: idSchema,
    appraiser: z.object({ id: idSchema, name: z.string() }),
    ...inspectionTimes.shape,
  }),
  z.object({
    kind: z.literal('inspection_rescheduled'),
    at: timestampSchema,
    inspectionId: idSchema,
    from: inspectionTimes,
    to: inspectionTimes,
  }),
  z.object({
    kind: z.literal('inspection_cancelled'),
    at: timestampSchema,
    inspectionId: idSchema,
    reason: z.string().nullable(),
  }),
  z.object({ kind: z.literal('inspection_completed'), at: timestampSchema, inspectionId: idSchema }),
  z.object({
    kind: z.enum(['report_drafted', 'report_submitted', 'report_approved', 'report_delivered']),
    at: timestampSchema,
    reportId: idSchema,
    number: z.number().int(),
  }),
  z.object({
    kind: z.literal('note_added'),
    at: timestampSchema,
    noteId: idSchema,
    author: z.string(),
    sourceSystem: z.string().nullable(),
    text: z.string(),
  }),
]);

export const timelineInput = z.object({ id: idSchema });
export const timelineOutput = z.object({ items: z.array(timelineEntrySchema) });

export const auditEntrySchema = z.object({
  id: idSchema,
  entityType: z.string(),
  entityId: idSchema,
  action: z.string(),
  /** The API client that made the change (`id`), or the signed-in person (`id` null, their name). */
  actor: z.object({ id: idSchema.nullable(), name: z.string() }),
  /** The person who made it: signed in, or acted for by the API client; null for an API client alone. */
  user: z.object({ id: idSchema, name: z.string() }).nullable(),
  requestId: z.string().nullable(),
  /** Field by field, what it was and what it became. */
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  occurredAt: timestampSchema,
});

export const listAuditInput = z
  .object({
    ...paginationInput,
    entityType: z.string().trim().min(1).max(50).optional(),
    entityId: idSchema.optional(),
    actorId: idSchema.optional(),
    /** Only what this person did (signed in, or acted for). */
    userId: idSchema.optional(),
    /** At or after. */
    since: timestampSchema.optional(),
  })
  .prefault({});
export const auditPageSchema = pageOf(auditEntrySchema);

export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type AuditEntryDto = z.output<typeof auditEntrySchema>;
export type ListAuditInput = z.output<typeof listAuditInput>;
