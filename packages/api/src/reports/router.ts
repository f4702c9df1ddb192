import {
  approveReportInput,
  createReportDraftInput,
  deliverRevisionInput,
  getReportInput,
  listReportsInput,
  rejectReportInput,
  reportListSchema,
  reportSchema,
  reviseReportInput,
  submitReportInput,
  updateReportDraftInput,
} from '@takst/contract';
import { EVERYONE, REPORT_AUTHORS, REVIEWERS } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toReportDto } from './mapper';
import {
  approveReport,
  createDraft,
  deliverRevision,
  getReport,
  listReports,
  rejectReport,
  reviseReport,
  submitReport,
  updateDraft,
} from './service';

/**
 * Report versions of an assignment: draft → submitted → approved, then delivered with the
 * assignment (assignments.transition). A delivered version refuses every write (REPORT_LOCKED).
 */
export const reportsRouter = router({
  createDraft: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments/{assignmentId}/reports', status: 201 },
      scope: 'assignments:write',
      roles: REPORT_AUTHORS,
      ownAssignmentsForAppraisers: true,
      description: "Start the first version of an assignment's report",
    })
    .input(createReportDraftInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await createDraft(ctx, input))),

  updateDraft: procedure
    .meta({
      rest: { method: 'PATCH', path: '/reports/{id}' },
      scope: 'assignments:write',
      roles: REPORT_AUTHORS,
      ownAssignmentsForAppraisers: true,
      description: 'Replace the content of a draft at the version you read',
    })
    .input(updateReportDraftInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await updateDraft(ctx, input))),

  submit: procedure
    .meta({
      rest: { method: 'POST', path: '/reports/{id}/submit' },
      scope: 'assignments:write',
      roles: REPORT_AUTHORS,
      ownAssignmentsForAppraisers: true,
      description: 'Send a draft for review',
    })
    .input(submitReportInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await submitReport(ctx, input))),

  approve: procedure
    .meta({
      rest: { method: 'POST', path: '/reports/{id}/approve' },
      scope: 'assignments:write',
      roles: REVIEWERS,
      description: 'Approve a submitted report; the reviewer is not its author',
    })
    .input(approveReportInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await approveReport(ctx, input))),

  deliverRevision: procedure
    .meta({
      rest: { method: 'POST', path: '/reports/{id}/deliver-revision' },
      scope: 'assignments:write',
      roles: REVIEWERS,
      description: 'Deliver an approved revision of a report whose assignment was already delivered',
    })
    .input(deliverRevisionInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await deliverRevision(ctx, input))),

  reject: procedure
    .meta({
      rest: { method: 'POST', path: '/reports/{id}/reject' },
      scope: 'assignments:write',
      roles: REVIEWERS,
      description: 'Send a submitted or approved report back to draft, with a reason',
    })
    .input(rejectReportInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await rejectReport(ctx, input))),

  revise: procedure
    .meta({
      rest: { method: 'POST', path: '/reports/revisions', status: 201 },
      scope: 'assignments:write',
      roles: REPORT_AUTHORS,
      ownAssignmentsForAppraisers: true,
      description: 'Start a new draft version from the latest delivered one',
    })
    .input(reviseReportInput)
    .output(reportSchema)
    .mutation(async ({ ctx, input }) => toReportDto(await reviseReport(ctx, input))),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/reports/{id}' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: 'One report version by id',
    })
    .input(getReportInput)
    .output(reportSchema)
    .query(async ({ ctx, input }) => toReportDto(await getReport(ctx.em, input.id))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/{assignmentId}/reports' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: "Every version of an assignment's report, first to last",
    })
    .input(listReportsInput)
    .output(reportListSchema)
    .query(async ({ ctx, input }) => ({ items: (await listReports(ctx.em, input.assignmentId)).map(toReportDto) })),
});
