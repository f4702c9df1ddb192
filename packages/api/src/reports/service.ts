import type { AuditActionOf } from '@takst/contract';
import {
  type ApproveReportInput,
  type AssignmentType,
  type CreateReportDraftInput,
  REPORT_KIND_BY_TYPE,
  type RejectReportInput,
  type ReportContentInput,
  type ReportStatus,
  type ReviseReportInput,
  type UpdateReportDraftInput,
} from '@takst/contract';
import {
  AppraiserEntity,
  AssignmentEntity,
  type EntityManager,
  LockMode,
  type ReportVersion,
  ReportVersionEntity,
  UniqueConstraintViolationException,
} from '@takst/db';
import { loadAssignmentForUpdate } from '../assignments/lifecycle';
import { recordAudit, snapshot } from '../audit/record';
import { assertMayWorkOn } from '../auth/assignment-access';
import { DomainError, notFound, versionConflict } from '../errors';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import type { ReportRecord } from './mapper';
import { authorFor, reviewerFor } from './people';
import { findReportRow, listReportRows } from './read-model';

type Tx = EntityManager;

const reportNotFound = (id: string) => notFound('REPORT_NOT_FOUND', `No report version with id ${id}`);

const wrongState = (message: string, details?: Record<string, unknown>) =>
  new DomainError('CONFLICT', 'REPORT_WRONG_STATE', message, details);

/** CONFLICT, not FORBIDDEN: the caller may write reports, this version just can no longer change. */
const locked = (report: ReportVersion) =>
  new DomainError(
    'CONFLICT',
    'REPORT_LOCKED',
    `Report version ${report.number} is delivered and can no longer change; reports.revise starts a new version`,
    { status: report.status },
  );

const reportVersionConflict = (report: ReportVersion, expected: number) =>
  versionConflict(`Report version ${report.number}`, report.version, expected);

// ---- Reads ----

export async function getReport(em: EntityManager, id: string): Promise<ReportRecord> {
  const row = await findReportRow(em, id);
  if (!row) throw reportNotFound(id);
  return row;
}

export async function listReports(em: EntityManager, assignmentId: string) {
  if ((await em.count(AssignmentEntity, { id: assignmentId })) === 0) {
    throw notFound('ASSIGNMENT_NOT_FOUND', `No assignment with id ${assignmentId}`);
  }
  return listReportRows(em, assignmentId);
}

// ---- Shared checks ----

async function loadReportForUpdate(tx: Tx, id: string): Promise<ReportVersion> {
  const report = await tx.findOne(ReportVersionEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!report) throw reportNotFound(id);
  return report;
}

/** Authors and reviewers are appraisers still working here. */
async function loadActiveAppraiser(tx: Tx, id: string): Promise<void> {
  const appraiser = await tx.findOne(AppraiserEntity, { id });
  if (!appraiser) throw notFound('APPRAISER_NOT_FOUND', `No appraiser with id ${id}`);
  if (!appraiser.active) {
    throw new DomainError('BAD_REQUEST', 'APPRAISER_INACTIVE', `Appraiser ${appraiser.name} is not active`);
  }
}

function assertKindFits(expected: string, content: ReportContentInput, what: string): void {
  if (content.kind !== expected) {
    throw new DomainError(
      'BAD_REQUEST',
      'REPORT_KIND_MISMATCH',
      `${what} takes a ${expected} report, not a ${content.kind} one`,
      { expectedKind: expected },
    );
  }
}

/**
 * Delivered is checked first: no version number makes a delivered report writable. Then the
 * version the caller read, then the status the change starts from.
 */
function assertWritable(report: ReportVersion, expectedVersion: number, from: readonly ReportStatus[], verb: string) {
  if (report.status === 'delivered') throw locked(report);
  if (report.version !== expectedVersion) throw reportVersionConflict(report, expectedVersion);
  if (!from.includes(report.status as ReportStatus)) {
    const message = `Only a ${from.join(' or ')} report can be ${verb}; version ${report.number} is ${report.status}`;
    throw wrongState(message, { status: report.status });
  }
}

/** The version with the highest number: the open one if there is one, else the last delivered. */
const latestVersion = (tx: Tx, assignmentId: string) =>
  tx.findOne(ReportVersionEntity, { assignmentId }, { orderBy: { number: 'desc' } });

/** The partial unique index lets one version be open per assignment; a concurrent start loses here. */
async function refusingConcurrentStart<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw wrongState('Another report version of this assignment was started at the same time; list them again');
    }
    throw error;
  }
}

// ---- Writes ----

interface StatusChange {
  id: string;
  expectedVersion: number;
  from: readonly ReportStatus[];
  verb: string;
  action: AuditActionOf<'report'>;
  apply: (report: ReportVersion, tx: Tx, now: Date) => Promise<void> | void;
  /** Audited beside the fields that changed, for what has no column (a rejection's reason). */
  note?: Record<string, unknown>;
  /** Done by the assignment's appraiser: held to their own assignments (`assertMayWorkOn`). */
  byAuthor?: boolean;
}

/** An appraiser writes reports only on assignments given to them. */
async function assertMayWrite(tx: Tx, ctx: ServiceContext, report: ReportVersion): Promise<void> {
  if (ctx.ownAssignmentsOf === undefined) return;
  assertMayWorkOn(ctx, await tx.findOneOrFail(AssignmentEntity, { id: report.assignmentId }));
}

/** Locks the version, checks it may change, applies the change and audits it, in one transaction. */
function changeReport(ctx: ServiceContext, change: StatusChange): Promise<ReportVersion> {
  return inTransaction(ctx.em, async (tx) => {
    const report = await loadReportForUpdate(tx, change.id);
    if (change.byAuthor) await assertMayWrite(tx, ctx, report);
    assertWritable(report, change.expectedVersion, change.from, change.verb);
    const before = snapshot(report);
    const now = new Date();
    await change.apply(report, tx, now);
    report.updatedAt = now;
    recordAudit(tx, ctx, {
      entityType: 'report',
      entityId: report.id,
      action: change.action,
      before,
      after: { ...snapshot(report), ...change.note },
    });
    await tx.flush();
    return report;
  });
}

export function createDraft(ctx: ServiceContext, input: CreateReportDraftInput): Promise<ReportVersion> {
  return refusingConcurrentStart(() =>
    inTransaction(ctx.em, async (tx) => {
      // The assignment's row lock queues concurrent starts of its report.
      const assignment = await loadAssignmentForUpdate(tx, input.assignmentId);
      assertMayWorkOn(ctx, assignment);
      const author = authorFor(ctx, input.authorId);
      assertKindFits(REPORT_KIND_BY_TYPE[assignment.type as AssignmentType], input.content, `A ${assignment.type}`);
      const latest = await latestVersion(tx, assignment.id);
      if (latest?.status === 'delivered') {
        throw wrongState(`Version ${latest.number} is delivered; reports.revise starts the next version from it`, {
          reportId: latest.id,
        });
      }
      if (latest) {
        throw wrongState(
          `Version ${latest.number} of this report is ${latest.status}; only one version is in work at a time`,
          {
            reportId: latest.id,
          },
        );
      }
      await loadActiveAppraiser(tx, author.appraiserId as string);
      const report = createVersion(tx, {
        assignmentId: assignment.id,
        number: 1,
        content: input.content,
        authorId: author.appraiserId as string,
        authorUserId: author.userId,
        revisesId: null,
      });
      recordAudit(tx, ctx, {
        entityType: 'report',
        entityId: report.id,
        action: 'draft_created',
        before: null,
        after: snapshot(report),
      });
      await tx.flush();
      return report;
    }),
  );
}

function createVersion(
  tx: Tx,
  fields: {
    assignmentId: string;
    number: number;
    content: ReportContentInput;
    authorId: string;
    authorUserId: string | null;
    revisesId: string | null;
  },
): ReportVersion {
  const now = new Date();
  return tx.create(ReportVersionEntity, {
    id: uuidv7(now.getTime()),
    ...fields,
    kind: fields.content.kind,
    status: 'draft',
    content: fields.content,
    reviewerId: null,
    reviewerUserId: null,
    submittedAt: null,
    approvedAt: null,
    deliveredAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
}

export async function updateDraft(ctx: ServiceContext, input: UpdateReportDraftInput): Promise<ReportVersion> {
  return inTransaction(ctx.em, async (tx) => {
    const report = await loadReportForUpdate(tx, input.id);
    await assertMayWrite(tx, ctx, report);
    assertWritable(report, input.expectedVersion, ['draft'], 'edited');
    assertKindFits(report.kind, input.content, `Report version ${report.number}`);
    // Content that does not change writes nothing and keeps the version.
    if (sameJson(report.content, input.content)) return report;
    const before = snapshot(report);
    report.content = input.content;
    report.updatedAt = new Date();
    recordAudit(tx, ctx, {
      entityType: 'report',
      entityId: report.id,
      action: 'draft_updated',
      before,
      after: snapshot(report),
    });
    await tx.flush();
    return report;
  });
}

export const submitReport = (ctx: ServiceContext, input: { id: string; expectedVersion: number }) =>
  changeReport(ctx, {
    ...input,
    from: ['draft'],
    verb: 'submitted',
    byAuthor: true,
    action: 'submitted',
    apply: (report, _tx, now) => {
      report.status = 'submitted';
      report.submittedAt = now;
    },
  });

export const approveReport = (ctx: ServiceContext, input: ApproveReportInput) =>
  changeReport(ctx, {
    id: input.id,
    expectedVersion: input.expectedVersion,
    from: ['submitted'],
    verb: 'approved',
    action: 'approved',
    apply: async (report, tx, now) => {
      const reviewer = reviewerFor(ctx, input.reviewerId);
      const samePerson = reviewer.userId !== null && reviewer.userId === report.authorUserId;
      if (samePerson || reviewer.appraiserId === report.authorId) {
        throw new DomainError(
          'BAD_REQUEST',
          'REVIEWER_IS_AUTHOR',
          'A report is approved by someone other than its author',
        );
      }
      if (reviewer.appraiserId !== null) await loadActiveAppraiser(tx, reviewer.appraiserId);
      report.status = 'approved';
      report.reviewerId = reviewer.appraiserId;
      report.reviewerUserId = reviewer.userId;
      report.approvedAt = now;
    },
  });

const DELIVERED_ASSIGNMENT: readonly string[] = ['delivered', 'invoiced', 'closed'];

/**
 * The first version of a report is delivered with its assignment (`assignments.transition` to
 * delivered). A revision comes after that, so it is delivered on its own, once approved.
 */
export const deliverRevision = (ctx: ServiceContext, input: { id: string; expectedVersion: number }) =>
  changeReport(ctx, {
    id: input.id,
    expectedVersion: input.expectedVersion,
    from: ['approved'],
    verb: 'delivered as a revision',
    action: 'delivered',
    apply: async (report, tx, now) => {
      const assignment = await tx.findOneOrFail(AssignmentEntity, { id: report.assignmentId });
      if (!report.revisesId || !DELIVERED_ASSIGNMENT.includes(assignment.status)) {
        throw wrongState(
          'Only a revision of a delivered report is delivered on its own; a first version is delivered by moving its assignment to delivered',
          { status: report.status },
        );
      }
      report.status = 'delivered';
      report.deliveredAt = now;
    },
  });

/** Back to draft for changes, from review or from an approval not yet delivered. */
export const rejectReport = (ctx: ServiceContext, input: RejectReportInput) =>
  changeReport(ctx, {
    id: input.id,
    expectedVersion: input.expectedVersion,
    from: ['submitted', 'approved'],
    verb: 'rejected',
    action: 'rejected',
    note: { rejectionReason: input.reason },
    apply: (report) => {
      report.status = 'draft';
      report.reviewerId = null;
      report.reviewerUserId = null;
      report.submittedAt = null;
      report.approvedAt = null;
    },
  });

/** A new draft, numbered next, with the content of the latest delivered version. */
export function reviseReport(ctx: ServiceContext, input: ReviseReportInput): Promise<ReportVersion> {
  return refusingConcurrentStart(() =>
    inTransaction(ctx.em, async (tx) => {
      const assignmentId = input.assignmentId ?? (await loadNamedReport(tx, input.id)).assignmentId;
      assertMayWorkOn(ctx, await loadAssignmentForUpdate(tx, assignmentId));
      const latest = await latestVersion(tx, assignmentId);
      if (!latest) throw wrongState('This assignment has no report to revise');
      if (latest.status !== 'delivered') {
        throw wrongState(`Version ${latest.number} is ${latest.status}; only a delivered report is revised`, {
          reportId: latest.id,
        });
      }
      if (input.id !== undefined && input.id !== latest.id) {
        throw wrongState(`Only the latest delivered version, number ${latest.number}, can be revised`, {
          reportId: latest.id,
        });
      }
      const author = authorFor(ctx, input.authorId, latest.authorId);
      await loadActiveAppraiser(tx, author.appraiserId as string);
      const report = createVersion(tx, {
        assignmentId,
        number: latest.number + 1,
        content: structuredClone(latest.content) as ReportContentInput,
        authorId: author.appraiserId as string,
        authorUserId: author.userId,
        revisesId: latest.id,
      });
      recordAudit(tx, ctx, {
        entityType: 'report',
        entityId: report.id,
        action: 'revised',
        before: null,
        after: snapshot(report),
      });
      await tx.flush();
      return report;
    }),
  );
}

async function loadNamedReport(tx: Tx, id: string | undefined): Promise<ReportVersion> {
  // The input schema guarantees an id when no assignmentId is given.
  const report = id === undefined ? null : await tx.findOne(ReportVersionEntity, { id });
  if (!report) throw reportNotFound(id ?? '(none)');
  return report;
}

/** Equal as JSON documents; jsonb does not keep the order of keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
}
