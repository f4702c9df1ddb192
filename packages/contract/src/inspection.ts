import { z } from 'zod';
import { appraiserSummarySchema } from './assignment';
import { boundedText, idSchema, pageOf, paginationInput, timestampSchema } from './common';
import { INSPECTION_STATUSES } from './enums';

export const inspectionStatusSchema = z.enum(INSPECTION_STATUSES);

/** An inspection is a visit, not a stay: anything longer is a typo in the booking. */
export const MAX_INSPECTION_HOURS = 12;
const MAX_INSPECTION_MS = MAX_INSPECTION_HOURS * 60 * 60 * 1000;

const expectedVersion = z.number().int().min(1);

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
    assignmentId: idSchema,
    appraiserId: idSchema,
    startsAt: timestampSchema,
    endsAt: timestampSchema,
    /** The system the booking came from, e.g. the booking tool's name. */
    sourceSystem: boundedText(100).optional(),
    /** The booking's id in that system. */
    externalId: boundedText(200).optional(),
  })
  .superRefine(checkTimeSlot);

export const rescheduleInspectionInput = z
  .object({ id: idSchema, startsAt: timestampSchema, endsAt: timestampSchema, expectedVersion })
  .superRefine(checkTimeSlot);

export const cancelInspectionInput = z.object({
  id: idSchema,
  reason: boundedText(2_000),
  expectedVersion,
});

export const completeInspectionInput = z.object({ id: idSchema, expectedVersion });

export const getInspectionInput = z.object({ id: idSchema });

/**
 * The inspections of one assignment, or of one appraiser that overlap `[from, to)`; soonest
 * first either way.
 */
export const listInspectionsInput = z
  .object({
    ...paginationInput,
    assignmentId: idSchema.optional(),
    appraiserId: idSchema.optional(),
    from: timestampSchema.optional(),
    to: timestampSchema.optional(),
    status: z.array(inspectionStatusSchema).min(1).max(INSPECTION_STATUSES.length).optional(),
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
  });

export const previousTimeSchema = z.object({
  startsAt: timestampSchema,
  endsAt: timestampSchema,
  /** When the inspection was moved away from this time. */
  changedAt: timestampSchema,
});

export const inspectionSchema = z.object({
  id: idSchema,
  assignmentId: idSchema,
  appraiser: appraiserSummarySchema,
  startsAt: timestampSchema,
  endsAt: timestampSchema,
  status: inspectionStatusSchema,
  sourceSystem: z.string().nullable(),
  externalId: z.string().nullable(),
  cancelReason: z.string().nullable(),
  /** Earlier times, oldest first. */
  previousTimes: z.array(previousTimeSchema),
  completedAt: timestampSchema.nullable(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const inspectionPageSchema = pageOf(inspectionSchema);

export type InspectionDto = z.output<typeof inspectionSchema>;
export type BookInspectionInput = z.output<typeof bookInspectionInput>;
export type RescheduleInspectionInput = z.output<typeof rescheduleInspectionInput>;
export type CancelInspectionInput = z.output<typeof cancelInspectionInput>;
export type CompleteInspectionInput = z.output<typeof completeInspectionInput>;
export type ListInspectionsInput = z.output<typeof listInspectionsInput>;
