import type { Assignment, Report } from '@takst/sdk';
import { useMe } from '../me';

/** What the signed-in person may do with this assignment's report (docs/identity.md, "Who may call what"). */
export function useReportAccess(assignment: Assignment) {
  const { user, has } = useMe();
  const appraiserId = user?.appraiserId ?? null;
  const ownsAssignment = has('appraiser') && appraiserId !== null && appraiserId === assignment.appraiser?.id;
  return {
    /** Only the assignment's appraiser writes, submits and revises its report. */
    writes: ownsAssignment,
    /** An appraiser looking at someone else's assignment. */
    appraiserElsewhere: has('appraiser') && !ownsAssignment,
    reviews: has('reviewer'),
    /** Delivering moves the assignment: the firm leaves it to review and support. */
    delivers: has('reviewer', 'support', 'admin'),
    movesAssignment: ownsAssignment || has('reviewer', 'support', 'admin'),
    /** The person wrote this version (or it is their appraiser record's): they never approve it. */
    wrote: (report: Report) =>
      user !== null && (report.authorUserId === user.id || (appraiserId !== null && report.authorId === appraiserId)),
  };
}

export type ReportAccess = ReturnType<typeof useReportAccess>;
