import { z } from 'zod';
import { assignmentStatusSchema } from './assignment';
import {
  changeActorSchema,
  changeRequestIdSchema,
  changeUserSchema,
  fieldChangesSchema,
  idSchema,
  pageOf,
  paginationInput,
  timestampSchema,
} from './common';

const inspectionTimes = z.object({
  startsAt: timestampSchema.describe('When the visit starts.'),
  endsAt: timestampSchema.describe('When it ends.'),
});
const at = timestampSchema.describe('When it happened.');
const inspectionId = idSchema.describe('The inspection.');

/** One thing that happened to an assignment, for `assignments.timeline`. */
export const timelineEntrySchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('status_changed').describe('The assignment moved to another status.'),
        at,
        from: assignmentStatusSchema.describe('The status it left.'),
        to: assignmentStatusSchema.describe('The status it moved to.'),
        reason: z.string().nullable().describe('Why, where a reason was given; null otherwise.'),
        actor: z
          .string()
          .meta({ description: "Who moved it: a person's or an API client's name.", examples: ['Kari Nordmann'] }),
      })
      .meta({ description: 'The assignment moved to another status.' }),
    z
      .object({
        kind: z.literal('inspection_booked').describe('An inspection was booked.'),
        at,
        inspectionId,
        appraiser: z
          .object({
            id: idSchema.describe("The appraiser's id."),
            name: z.string().meta({ description: "The appraiser's name.", examples: ['Ola Nordmann'] }),
          })
          .describe('The appraiser who goes.'),
        ...inspectionTimes.shape,
      })
      .meta({ description: 'An inspection was booked.' }),
    z
      .object({
        kind: z.literal('inspection_rescheduled').describe('An inspection was moved to another time.'),
        at,
        inspectionId,
        from: inspectionTimes.describe('The time it was booked for.'),
        to: inspectionTimes.describe('The time it moved to.'),
      })
      .meta({ description: 'An inspection was moved to another time.' }),
    z
      .object({
        kind: z.literal('inspection_cancelled').describe('An inspection was cancelled.'),
        at,
        inspectionId,
        reason: z.string().nullable().describe('Why; null when no reason was recorded.'),
      })
      .meta({ description: 'An inspection was cancelled.' }),
    z
      .object({
        kind: z.literal('inspection_completed').describe('The appraiser has been there.'),
        at,
        inspectionId,
      })
      .meta({ description: 'An inspection was completed.' }),
    z
      .object({
        kind: z
          .enum(['report_drafted', 'report_submitted', 'report_approved', 'report_delivered'])
          .meta({ description: 'What happened to a report version.', examples: ['report_submitted'] }),
        at,
        reportId: idSchema.describe('The report version.'),
        number: z
          .number()
          .int()
          .meta({ description: "The version's number: 1, then one more per revision.", examples: [1] }),
      })
      .meta({ description: 'A report version was drafted, submitted, approved or delivered.' }),
    z
      .object({
        kind: z.literal('note_added').describe('A note was added.'),
        at,
        noteId: idSchema.describe('The note.'),
        author: z.string().meta({ description: 'Who wrote it.', examples: ['Kari Nordmann'] }),
        sourceSystem: z
          .string()
          .nullable()
          .meta({ description: 'The connected system it came from; null when written here.', examples: ['support'] }),
        text: z.string().describe('The note.'),
      })
      .meta({ description: 'A note was added.' }),
  ])
  .meta({ id: 'TimelineEntry', description: 'One thing that happened to an assignment, by `kind`.' });

export const timelineInput = z
  .object({ id: idSchema.describe("The assignment's id.") })
  .meta({ description: 'Names the assignment whose timeline to read.' });
export const timelineOutput = z
  .object({ items: z.array(timelineEntrySchema).describe('Everything that happened, oldest first.') })
  .meta({
    id: 'Timeline',
    description: "An assignment's timeline: its status changes, inspections, reports and notes.",
  });

export const auditEntrySchema = z
  .object({
    id: idSchema.describe("The entry's id."),
    entityType: z.string().meta({ description: 'The kind of entity that changed.', examples: ['assignment'] }),
    entityId: idSchema.describe('The entity that changed.'),
    action: z.string().meta({ description: 'What was done to it.', examples: ['status_changed'] }),
    actor: changeActorSchema,
    user: changeUserSchema,
    requestId: changeRequestIdSchema,
    changes: fieldChangesSchema,
    occurredAt: timestampSchema.describe('When the change was committed.'),
  })
  .meta({ id: 'AuditEntry', description: 'One audited change: what changed, who did it, and when.' });

export const listAuditInput = z
  .object({
    ...paginationInput,
    entityType: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .meta({ description: 'Only changes to entities of this kind.', examples: ['assignment'] }),
    entityId: idSchema.optional().describe('Only changes to this entity.'),
    actorId: idSchema.optional().describe('Only what this API client did.'),
    userId: idSchema.optional().describe('Only what this person did (signed in, or acted for).'),
    since: timestampSchema.optional().describe('Only changes at or after this time.'),
  })
  .meta({ description: 'The audit log, newest first, a page at a time; every filter is optional, and they combine.' })
  .prefault({});
export const auditPageSchema = pageOf(auditEntrySchema).meta({
  id: 'AuditPage',
  description: 'One page of the audit log.',
});

export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type AuditEntryDto = z.output<typeof auditEntrySchema>;
export type ListAuditInput = z.output<typeof listAuditInput>;
