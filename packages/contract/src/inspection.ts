import { z } from 'zod';
import { appraiserSummarySchema } from './assignment';
import {
  boundedText,
  expectedVersionSchema,
  idSchema,
  pageOf,
  paginationInput,
  timestampSchema,
  versionSchema,
} from './common';
import { INSPECTION_STATUSES } from './enums';

export const inspectionStatusSchema = z.enum(INSPECTION_STATUSES).meta({
  description:
    'booked: planned; rescheduled: moved to another time, still planned; cancelled; completed: the appraiser has been there.',
  examples: ['booked'],
});

/** An inspection is a visit, not a stay: anything longer is a typo in the booking. */
export const MAX_INSPECTION_HOURS = 12;
const MAX_INSPECTION_MS = MAX_INSPECTION_HOURS * 60 * 60 * 1000;

const expectedVersion = expectedVersionSchema;
const startsAt = timestampSchema.describe('When the visit starts: ISO 8601 with offset.');
const endsAt = timestampSchema.describe('When the visit ends: after `startsAt`, at most 12 hours later.');
const sourceSystem = boundedText(100).meta({
  description: "The system the booking came from, e.g. the booking tool's name; up to 100 characters.",
  examples: ['booking'],
});
const externalId = boundedText(200).meta({
  description: "The booking's id in `sourceSystem`, up to 200 characters.",
  examples: ['BK-48213'],
});

export function checkTimeSlot(slot: { startsAt: string; endsAt: string }, ctx: z.core.$RefinementCtx) {
  const duration = Date.parse(slot.endsAt) - Date.parse(slot.startsAt);
  if (duration <= 0) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt must be after startsAt' });
  } else if (duration > MAX_INSPECTION_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['endsAt'],
      message: `An inspection lasts at most ${MAX_INSPECTION_HOURS} hours`,
    });
  }
}

export const bookInspectionInput = z
  .object({
    assignmentId: idSchema.describe('The assignment to inspect for.'),
    appraiserId: idSchema.describe(
      "The appraiser who goes: certified for the assignment's type on the day, and with no other inspection at the time.",
    ),
    startsAt,
    endsAt,
    sourceSystem: sourceSystem.optional(),
    externalId: externalId.optional(),
  })
  .superRefine(checkTimeSlot)
  .meta({
    description:
      "Books an inspection (befaring) of an assignment's property: who goes, and when. The visit ends after it starts and lasts at most 12 hours.",
    examples: [
      {
        assignmentId: '0193a5e4-7c1d-7b3a-9f2e-4d5c6b7a8e91',
        appraiserId: '0193a5e5-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
        startsAt: '2026-03-10T09:00:00+01:00',
        endsAt: '2026-03-10T10:30:00+01:00',
        sourceSystem: 'booking',
        externalId: 'BK-48213',
      },
    ],
  });

export const rescheduleInspectionInput = z
  .object({ id: idSchema.describe("The inspection's id."), startsAt, endsAt, expectedVersion })
  .superRefine(checkTimeSlot)
  .meta({ description: 'Moves an inspection to another time; the old time is kept in `previousTimes`.' });

export const cancelInspectionInput = z
  .object({
    id: idSchema.describe("The inspection's id."),
    reason: boundedText(2_000).meta({
      description: 'Why it is cancelled, up to 2 000 characters.',
      examples: ['Kunden er syk; ny tid avtales.'],
    }),
    expectedVersion,
  })
  .meta({ description: 'Cancels a booked inspection, saying why.' });

export const completeInspectionInput = z
  .object({ id: idSchema.describe("The inspection's id."), expectedVersion })
  .meta({ description: 'Records that the appraiser has been there.' });

export const getInspectionInput = z
  .object({ id: idSchema.describe("The inspection's id.") })
  .meta({ description: 'Names one inspection by its id.' });

/**
 * The inspections of one assignment, or of one appraiser that overlap `[from, to)`; soonest
 * first either way.
 */
export const listInspectionsInput = z
  .object({
    ...paginationInput,
    assignmentId: idSchema.optional().describe("The assignment's inspections; give this or `appraiserId`."),
    appraiserId: idSchema
      .optional()
      .describe("The appraiser's inspections (needs `from` and `to`); give this or `assignmentId`."),
    from: timestampSchema.optional().describe('Only inspections that end after this time; give with `to`.'),
    to: timestampSchema
      .optional()
      .describe('Only inspections that start before this time (after `from`); give with `from`.'),
    status: z
      .array(inspectionStatusSchema)
      .min(1)
      .max(INSPECTION_STATUSES.length)
      .optional()
      .meta({ description: 'Only inspections in one of these statuses.', examples: [['booked', 'rescheduled']] }),
  })
  .superRefine((input, ctx) => {
    const byAssignment = input.assignmentId !== undefined;
    const byAppraiser = input.appraiserId !== undefined;
    if (byAssignment === byAppraiser) {
      ctx.addIssue({
        code: 'custom',
        path: ['appraiserId'],
        message: 'Give assignmentId or appraiserId (one of them)',
      });
    }
    if (byAppraiser && (input.from === undefined || input.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'Listing by appraiser needs from and to' });
    }
    if ((input.from === undefined) !== (input.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'Give both from and to, or neither' });
    }
    if (input.from !== undefined && input.to !== undefined && Date.parse(input.to) <= Date.parse(input.from)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    }
  })
  .meta({
    description:
      'The inspections of one assignment, or of one appraiser that overlap `[from, to)`; soonest first either way.',
  });

export const previousTimeSchema = z
  .object({
    startsAt: timestampSchema.describe('When the visit was to start.'),
    endsAt: timestampSchema.describe('When it was to end.'),
    changedAt: timestampSchema.describe('When the inspection was moved away from this time.'),
  })
  .meta({ description: 'A time an inspection was booked for before it was moved.' });

export const inspectionSchema = z
  .object({
    id: idSchema.describe("The inspection's id."),
    assignmentId: idSchema.describe('The assignment it is for.'),
    appraiser: appraiserSummarySchema.describe('The appraiser who goes.'),
    startsAt: timestampSchema.describe('When the visit starts.'),
    endsAt: timestampSchema.describe('When it ends.'),
    status: inspectionStatusSchema.describe('booked, rescheduled, cancelled or completed.'),
    sourceSystem: z
      .string()
      .nullable()
      .meta({ description: 'The system the booking came from; null when booked here.', examples: ['booking'] }),
    externalId: z
      .string()
      .nullable()
      .meta({ description: "The booking's id in `sourceSystem`; null when none.", examples: ['BK-48213'] }),
    cancelReason: z.string().nullable().describe('Why it was cancelled; null unless cancelled.'),
    previousTimes: z.array(previousTimeSchema).describe('The times it was booked for before, oldest first.'),
    completedAt: timestampSchema.nullable().describe('When it was recorded as completed; null until then.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When it was booked.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({ id: 'Inspection', description: "An inspection (befaring): the appraiser's visit to the property." });

export const inspectionPageSchema = pageOf(inspectionSchema).meta({
  id: 'InspectionPage',
  description: 'One page of inspections.',
});

export type InspectionDto = z.output<typeof inspectionSchema>;
export type BookInspectionInput = z.output<typeof bookInspectionInput>;
export type RescheduleInspectionInput = z.output<typeof rescheduleInspectionInput>;
export type CancelInspectionInput = z.output<typeof cancelInspectionInput>;
export type CompleteInspectionInput = z.output<typeof completeInspectionInput>;
export type ListInspectionsInput = z.output<typeof listInspectionsInput>;
