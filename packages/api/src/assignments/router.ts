import {
  assignmentPageSchema,
  assignmentSchema,
  createAssignmentInput,
  getAssignmentByReferenceInput,
  getAssignmentInput,
  listAssignmentsInput,
  updateAssignmentInput,
} from '@takst/contract';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toAssignmentDto } from './mapper';
import {
  createAssignment,
  getAssignment,
  getAssignmentByReference,
  listAssignments,
  updateAssignment,
} from './service';

export const assignmentsRouter = router({
  create: procedure
    .meta({ scope: 'assignments:write', description: 'Register a new assignment; it starts as received' })
    .input(createAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await createAssignment(ctx.em, input))),

  get: procedure
    .meta({ scope: 'assignments:read', description: 'One assignment by id' })
    .input(getAssignmentInput)
    .output(assignmentSchema)
    .query(async ({ ctx, input }) => toAssignmentDto(await getAssignment(ctx.em, input.id))),

  getByReference: procedure
    .meta({ scope: 'assignments:read', description: 'One assignment by its reference, e.g. 2026-000123' })
    .input(getAssignmentByReferenceInput)
    .output(assignmentSchema)
    .query(async ({ ctx, input }) => toAssignmentDto(await getAssignmentByReference(ctx.em, input.reference))),

  list: procedure
    .meta({ scope: 'assignments:read', description: 'Assignments newest first, keyset-paginated' })
    .input(listAssignmentsInput)
    .output(assignmentPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listAssignments(ctx.em, input);
      return { items: page.items.map(toAssignmentDto), nextCursor: page.nextCursor };
    }),

  update: procedure
    .meta({ scope: 'assignments:write', description: 'Change fields of an assignment at the version you read' })
    .input(updateAssignmentInput)
    .output(assignmentSchema)
    .mutation(async ({ ctx, input }) => toAssignmentDto(await updateAssignment(ctx.em, input))),
});
