import type { EntityManager } from '@takst/db';
import { toAppraiserDto } from '../appraisers/mapper';
import { findAppraiserRow } from '../appraisers/read-model';
import { toAssignmentDto } from '../assignments/mapper';
import { ASSIGNMENT_RELATIONS, findAssignmentRow } from '../assignments/read-model';
import { assignmentDtoSql, partyDtoSql, propertyDtoSql } from '../bulk/dto-sql';
import { toInspectionDto } from '../inspections/mapper';
import { findInspectionRow } from '../inspections/read-model';
import { ISO_MS, selectRows } from '../lib/read-model';
import { type NoteRecord, toNoteDto } from '../notes/mapper';
import { toPartyDto } from '../parties/mapper';
import { findPartyRow } from '../parties/read-model';
import { toPropertyDto } from '../properties/mapper';
import { findPropertyRow } from '../properties/read-model';
import { toReportDto } from '../reports/mapper';
import { findReportRow } from '../reports/read-model';
import { toUserDto } from '../users/mapper';
import { findUserRow } from '../users/read-model';

type Loader = (em: EntityManager, id: string) => Promise<unknown>;

const maybe =
  <Row, Dto>(find: (em: EntityManager, id: string) => Promise<Row | undefined>, map: (row: Row) => Dto): Loader =>
  async (em, id) => {
    const row = await find(em, id);
    return row === undefined ? null : map(row);
  };

async function findNoteRow(em: EntityManager, id: string): Promise<NoteRecord | undefined> {
  const rows = await selectRows<NoteRecord>(
    em,
    `select id, assignment_id as "assignmentId", author, source_system as "sourceSystem", external_id as "externalId", text, actor_id as "actorId",
       to_char(created_at at time zone 'UTC', ${ISO_MS}) as "createdAt"
     from notes where id = ?`,
    [id],
  );
  return rows[0];
}

interface ApiClientSummary {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

// Events are readable with events:read, far less than admin: no key prefix, hash or key here.
async function findApiClientSummary(em: EntityManager, id: string): Promise<ApiClientSummary | undefined> {
  const rows = await selectRows<ApiClientSummary>(
    em,
    `select id, name, scopes, to_char(created_at at time zone 'UTC', ${ISO_MS}) as "createdAt",
       to_char(revoked_at at time zone 'UTC', ${ISO_MS}) as "revokedAt"
     from api_clients where id = ?`,
    [id],
  );
  return rows[0];
}

/** The DTO an event carries, by entity type: what the API would answer for it right after the change. */
export const EVENT_DATA_LOADERS: Record<string, Loader> = {
  assignment: maybe((em, id) => findAssignmentRow(em, { id }), toAssignmentDto),
  property: maybe(findPropertyRow, toPropertyDto),
  party: maybe(findPartyRow, toPartyDto),
  appraiser: maybe(findAppraiserRow, toAppraiserDto),
  inspection: maybe(findInspectionRow, (row) => toInspectionDto(row, row.appraiserName)),
  report: maybe(findReportRow, toReportDto),
  note: maybe(findNoteRow, toNoteDto),
  api_client: maybe(findApiClientSummary, (row) => row),
  user: maybe(findUserRow, toUserDto),
};

/**
 * Entity types whose event data PostgreSQL builds in the very statement that writes the events
 * (a bulk write makes them by the hundred): each selects the `data` of the entity whose id is the
 * SQL expression `id`, with a condition last so that more can be appended with `and`.
 */
export const EVENT_DATA_SQL: Record<string, (id: string) => string> = {
  assignment: (id) =>
    `select ${assignmentDtoSql('jsonb_build_object')} as data from assignments a ${ASSIGNMENT_RELATIONS}
     where a.id = ${id}`,
  property: (id) => `select ${propertyDtoSql('p')} as data from properties p where p.id = ${id}`,
  party: (id) => `select ${partyDtoSql('t')} as data from parties t where t.id = ${id}`,
};

/** The key of an entity in the map `loadEventData` returns. */
export const eventDataKey = (entityType: string, entityId: string) => `${entityType}:${entityId}`;

/**
 * The DTO of every entity named whose type `EVENT_DATA_SQL` does not build, loaded one by one
 * (as `EVENT_DATA_LOADERS` gives it), keyed by `eventDataKey`. Entities not found, and types
 * without a loader, are absent.
 */
export async function loadEventData(
  em: EntityManager,
  entities: ReadonlyArray<{ entityType: string; entityId: string }>,
): Promise<Map<string, unknown>> {
  const data = new Map<string, unknown>();
  for (const { entityType, entityId } of entities) {
    const key = eventDataKey(entityType, entityId);
    const load = EVENT_DATA_LOADERS[entityType];
    if (EVENT_DATA_SQL[entityType] || !load || data.has(key)) continue;
    const dto = await load(em, entityId);
    if (dto !== null) data.set(key, dto);
  }
  return data;
}
