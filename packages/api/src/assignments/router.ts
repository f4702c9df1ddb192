import {
  assignAssignmentInput,
  assignmentPageSchema,
  assignmentSchema,
  bulkTransitionInput,
  bulkTransitionOutput,
  bulkUpsertAssignmentsInput,
  bulkUpsertAssignmentsOutput,
  createAssignmentInput,
  exportAssignmentsInput,
  exportAssignmentsOutput,
  getAssignmentByReferenceInput,
  getAssignmentInput,
  listAssignmentsInput,
  timelineInput,
  timelineOutput,
  transitionAssignmentInput,
  updateAssignmentInput,
  upsertAssignmentByExternalRefInput,
  upsertAssignmentByExternalRefOutput,
} from '@takst/contract';
import { EVERYONE, OFFICE } from '../auth/roles';
import { exportAssignments } from '../bulk/export';
import { bulkTransitionAssignments } from '../bulk/transition';
import { bulkUpsertAssignments } from '../bulk/upsert';
import { upsertAssignmentByExternalRef } from '../external-refs/assignment-upsert';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toAssignmentDto } from './mapper';
import {
  assignAppraiser,
  createAssignment,
  getAssignment,
  getAssignmentByReference,
  listAssignments,
  transitionAssignment,
  updateAssignment,
} from './service';
import { assignmentTimeline } from './timeline';

export const assignmentsRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments', status: 201 },
      scope: 'assignments:write',
      roles: OFFICE,
      description: 'Register a new assignment; it starts as received',
    })
    .input(createAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await createAssignment(ctx, input))),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/{id}' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'One assignment by id',
    })
    .input(getAssignmentInput)
    .output(assignmentSchema)
    .query(async ({ ctx, input }) => toAssignmentDto(await getAssignment(ctx.em, input.id))),

  getByReference: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/lookup' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'One assignment by its reference, e.g. 2026-000123',
    })
    .input(getAssignmentByReferenceInput)
    .output(assignmentSchema)
    .query(async ({ ctx, input }) => toAssignmentDto(await getAssignmentByReference(ctx.em, input.reference))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'Assignments filtered and sorted, keyset-paginated',
    })
    .input(listAssignmentsInput)
    .output(assignmentPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listAssignments(ctx.readEm, input);
      return { items: page.items.map(toAssignmentDto), nextCursor: page.nextCursor };
    }),

  update: procedure
    .meta({
      rest: { method: 'PATCH', path: '/assignments/{id}' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: 'Change fields of an assignment at the version you read',
    })
    .input(updateAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await updateAssignment(ctx, input))),

  transition: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments/{id}/transitions' },
      scope: 'assignments:write',
      roles: EVERYONE,
      ownAssignmentsForAppraisers: true,
      description: 'Move an assignment to another status, as the lifecycle allows',
    })
    .input(transitionAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await transitionAssignment(ctx, input))),

  assign: procedure
    .meta({
      rest: { method: 'PUT', path: '/assignments/{id}/appraiser' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: 'Give the assignment to an appraiser certified for its type',
    })
    .input(assignAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await assignAppraiser(ctx, input))),

  upsertByExternalRef: procedure
    .meta({
      rest: { method: 'PUT', path: '/assignments/by-external-ref/{system}/{externalId}' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: "Create the assignment a system's id names, or update it with the given fields",
    })
    .input(upsertAssignmentByExternalRefInput)
    .output(upsertAssignmentByExternalRefOutput)
    .mutation(async ({ ctx, input }) => {
      const { assignment, created, changed } = await upsertAssignmentByExternalRef(ctx, input);
      return { assignment: toAssignmentDto(assignment), created, changed };
    }),

  timeline: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/{id}/timeline' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'Status changes, inspections, reports and notes, oldest first',
    })
    .input(timelineInput)
    .output(timelineOutput)
    .query(async ({ ctx, input }) => ({ items: await assignmentTimeline(ctx.em, input.id) })),

  bulkUpsert: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments/bulk-upsert' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: 'Create or update up to 500 assignments by external reference or reference, with a result per item',
      checksItemsOneByOne: true,
    })
    .input(bulkUpsertAssignmentsInput)
    .output(bulkUpsertAssignmentsOutput)
    .mutation(({ ctx, input }) => bulkUpsertAssignments(ctx, input.items)),

  export: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/export' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'Every matching assignment in change order, a page at a time, resumable by continuation',
    })
    .input(exportAssignmentsInput)
    .output(exportAssignmentsOutput)
    .query(({ ctx, input }) => exportAssignments(ctx.readEm, input)),

  bulkTransition: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments/bulk-transitions' },
      scope: 'assignments:write',
      roles: OFFICE,
      description: 'Move up to 500 assignments (by id or filter) to a status, or report what would happen',
    })
    .input(bulkTransitionInput)
    .output(bulkTransitionOutput)
    .mutation(({ ctx, input }) => bulkTransitionAssignments(ctx, input)),
});
