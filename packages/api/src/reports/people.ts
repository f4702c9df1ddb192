import { DomainError } from '../errors';
import type { ServiceContext } from '../platform';

/** Who writes or approves a report: an appraiser record, and the person when a person acts. */
export interface ReportPerson {
  appraiserId: string | null;
  userId: string | null;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', `Invalid input: ${field}: ${message}`, {
    issues: [{ path: [field], message, code: 'custom' }],
  });
}

/**
 * A person writes and approves as themselves: the appraiser record is theirs (`given` may only
 * repeat it). An API client on its own names the record; the version's person stays empty.
 */
function personFor(ctx: ServiceContext, field: string, given: string | undefined): ReportPerson {
  const user = ctx.actor.user;
  if (!user) {
    if (given === undefined) invalidRequired(field);
    return { appraiserId: given ?? null, userId: null };
  }
  if (given !== undefined && given !== user.appraiserId) {
    throw invalid(field, 'a person acts as themselves: leave it out, or send your own appraiser id');
  }
  return { appraiserId: user.appraiserId, userId: user.id };
}

function invalidRequired(field: string): never {
  throw invalid(field, 'required when an API client acts on its own');
}

/** The author of a new version: the person, or the appraiser an API client names. */
export function authorFor(ctx: ServiceContext, given: string | undefined, fallback?: string): ReportPerson {
  const person = personFor(ctx, 'authorId', ctx.actor.user ? given : (given ?? fallback));
  if (person.appraiserId === null)
    throw invalid('authorId', 'the author must be an appraiser; you have no appraiser record');
  return person;
}

/** The reviewer approving a version: the person (with or without an appraiser record), or the one an API client names. */
export const reviewerFor = (ctx: ServiceContext, given: string | undefined): ReportPerson =>
  personFor(ctx, 'reviewerId', given);
