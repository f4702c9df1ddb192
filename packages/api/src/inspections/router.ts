import {
  bookInspectionInput,
  cancelInspectionInput,
  completeInspectionInput,
  getInspectionInput,
  inspectionPageSchema,
  inspectionSchema,
  listInspectionsInput,
  rescheduleInspectionInput,
  upsertInspectionByExternalRefInput,
  upsertInspectionByExternalRefOutput,
} from '@takst/contract';
import { EVERYONE, FIELD_AND_OFFICE, OFFICE } from '../auth/roles';
import { upsertInspectionByExternalRef } from '../external-refs/inspection-upsert';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toInspectionDto } from './mapper';
import type { InspectionRow } from './read-model';
import {
  bookInspection,
  cancelInspection,
  completeInspection,
  getInspection,
  type InspectionView,
  listInspections,
  rescheduleInspection,
} from './service';

const fromView = (view: InspectionView) => toInspectionDto(view.inspection, view.appraiserName);
const fromRow = (row: InspectionRow) => toInspectionDto(row, row.appraiserName);

export const inspectionsRouter = router({
  book: procedure
    .meta({
      rest: { method: 'POST', path: '/inspections', status: 201 },
      scope: 'assignments:write',
      roles: FIELD_AND_OFFICE,
      ownAssignmentsForAppraisers: true,
      description: 'Book an inspection; the assignment moves to inspection_booked',
    })
    .input(bookInspectionInput)
    .output(inspectionSchema)
    .mutation(async ({ ctx, input }) => fromView(await bookInspection(ctx, input))),

  reschedule: procedure
    .meta({
      rest: { method: 'POST', path: '/inspections/{id}/reschedule' },
      scope: 'assignments:write',
      roles: FIELD_AND_OFFICE,
      ownAssignmentsForAppraisers: true,
      description: 'Move an open inspection to a new time; earlier times are kept',
    })
    .input(rescheduleInspectionInput)
    .output(inspectionSchema)
    .mutation(async ({ ctx, input }) => fromView(await rescheduleInspection(ctx, input))),

  cancel: procedure
    .meta({
      rest: { method: 'POST', path: '/inspections/{id}/cancel' },
      scope: 'assignments:write',
      roles: FIELD_AND_OFFICE,
      ownAssignmentsForAppraisers: true,
      description: 'Cancel an open inspection, with a reason',
    })
    .input(cancelInspectionInput)
    .output(inspectionSchema)
    .mutation(async ({ ctx, input }) => fromView(await cancelInspection(ctx, input))),

  complete: procedure
    .meta({
      rest: { method: 'POST', path: '/inspections/{id}/complete' },
      scope: 'assignments:write',
      roles: FIELD_AND_OFFICE,
      ownAssignmentsForAppraisers: true,
      description: 'Mark an open inspection done; the assignment moves to inspected',
    })
    .input(completeInspectionInput)
    .output(inspectionSchema)
    .mutation(async ({ ctx, input }) => fromView(await completeInspection(ctx, input))),

  upsertByExternalRef: procedure
    .meta({
      rest: { method: 'PUT', path: '/inspections/by-external-ref/{system}/{externalId}' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: "Book the inspection a system's id names, or move it to the given time (earlier times are kept)",
    })
    .input(upsertInspectionByExternalRefInput)
    .output(upsertInspectionByExternalRefOutput)
    .mutation(async ({ ctx, input }) => {
      const { created, changed, ...view } = await upsertInspectionByExternalRef(ctx, input);
      return { inspection: fromView(view), created, changed };
    }),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/inspections/{id}' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'One inspection by id',
    })
    .input(getInspectionInput)
    .output(inspectionSchema)
    .query(async ({ ctx, input }) => fromRow(await getInspection(ctx.em, input.id))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/inspections' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: "An assignment's inspections, or an appraiser's in a time range; soonest first, keyset-paginated",
    })
    .input(listInspectionsInput)
    .output(inspectionPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listInspections(ctx.readEm, input);
      return { items: page.items.map(fromRow), nextCursor: page.nextCursor };
    }),
});
