import { type AssignmentDto, type ExportAssignmentsInput, timestampSchema } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { toAssignmentDto } from '../assignments/mapper';
import { chooseExportStrategy, exportAssignmentRows, exportPageIdsQuery } from '../assignments/read-model';
import { DomainError } from '../errors';

/** Where an export stands: the change time and id of the last assignment it gave. */
export interface ExportPosition {
  at: string;
  id: string;
}

const CONTINUATION =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `<updatedAt>_<id>` of the last assignment given: anyone holding that line can make it. */
export const continuationOf = (position: ExportPosition) => `${position.at}_${position.id}`;

export function parseContinuation(token: string): ExportPosition {
  const match = CONTINUATION.exec(token);
  // A real instant only: Date.parse would roll 2026-02-31 over into March.
  if (!match?.[1] || !match[2] || !timestampSchema.safeParse(match[1]).success) {
    throw new DomainError(
      'BAD_REQUEST',
      'INVALID_CURSOR',
      'The continuation is not <updatedAt>_<id> of an exported assignment, e.g. 2026-11-27T12:00:00.123Z_0193…',
    );
  }
  return { at: match[1], id: match[2] };
}

/** One page of an export: assignments in change order, and where to go on from (null at the end). */
export async function exportAssignments(
  em: EntityManager,
  input: ExportAssignmentsInput,
): Promise<{ items: AssignmentDto[]; continuation: string | null }> {
  const { continuation, limit, ...filters } = input;
  const after = continuation ? parseContinuation(continuation) : undefined;
  const strategy = await chooseExportStrategy(em, filters);
  // One row more than asked tells whether the export goes on, without a COUNT.
  const rows = await exportAssignmentRows(em, exportPageIdsQuery(filters, strategy, after, limit + 1));
  const items = rows.slice(0, limit).map(toAssignmentDto);
  const last = items.at(-1);
  return {
    items,
    continuation: rows.length > limit && last ? continuationOf({ at: last.updatedAt, id: last.id }) : null,
  };
}
