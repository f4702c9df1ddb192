import type { EntityManager } from '@takst/db';
import type { ServiceContext } from '../platform';
import { actorParams, jsonRows, sql } from './sql';

/** A row as written: its fields by camelCase name, as the entity names them. */
export type Row = Record<string, unknown>;

export type EntityType = 'property' | 'party' | 'assignment';

/** A new row, and the id of the audit entry (and the event) it gets, as `recordAudit` would make them. */
export interface Creation {
  entityType: EntityType;
  row: Row;
  auditId: string;
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Inserts rows (objects keyed by camelCase field) in one statement; `columns` gives each field's SQL type. */
export async function insertRows(tx: EntityManager, table: string, columns: Record<string, string>, rows: Row[]) {
  if (rows.length === 0) return;
  const fields = Object.keys(columns);
  await sql(
    tx,
    `insert into ${table} (${fields.map(snakeCase).join(', ')})
     select ${fields.map((field) => `r."${field}"`).join(', ')}
     from json_to_recordset(?::json) as r(${fields.map((field) => `"${field}" ${columns[field]}`).join(', ')})`,
    [jsonRows(rows)],
  );
}

const PROPERTY_COLUMNS = {
  id: 'uuid',
  municipality: 'text',
  gnr: 'integer',
  bnr: 'integer',
  fnr: 'integer',
  snr: 'integer',
  cadastreId: 'text',
  cooperativeOrganizationNumber: 'text',
  shareNumber: 'text',
  street: 'text',
  postalCode: 'text',
  city: 'text',
  unitNumber: 'text',
  buildingYear: 'integer',
  buildingType: 'text',
  version: 'integer',
  createdAt: 'timestamptz',
  updatedAt: 'timestamptz',
};
const PARTY_COLUMNS = {
  id: 'uuid',
  kind: 'text',
  name: 'text',
  email: 'text',
  phone: 'text',
  organizationNumber: 'text',
  street: 'text',
  postalCode: 'text',
  city: 'text',
  version: 'integer',
  createdAt: 'timestamptz',
  updatedAt: 'timestamptz',
};
const ASSIGNMENT_COLUMNS = {
  id: 'uuid',
  reference: 'text',
  type: 'text',
  status: 'text',
  statusBeforeHold: 'text',
  version: 'integer',
  propertyId: 'uuid',
  clientId: 'uuid',
  payerId: 'uuid',
  brokerId: 'uuid',
  appraiserId: 'uuid',
  dueDate: 'date',
  notes: 'text',
  createdAt: 'timestamptz',
  updatedAt: 'timestamptz',
};
export const EXTERNAL_REF_COLUMNS = {
  id: 'uuid',
  entityType: 'text',
  system: 'text',
  externalId: 'text',
  entityId: 'uuid',
  createdAt: 'timestamptz',
};

const TABLES: Record<EntityType, { table: string; columns: Record<string, string> }> = {
  property: { table: 'properties', columns: PROPERTY_COLUMNS },
  party: { table: 'parties', columns: PARTY_COLUMNS },
  assignment: { table: 'assignments', columns: ASSIGNMENT_COLUMNS },
};

/**
 * What `recordAudit` records for a new row, `diff(null, snapshot(row))`: every field that is not
 * null, from null, bookkeeping (version, timestamps) aside. Made by PostgreSQL from the row's
 * JSON, so a row travels to the database once, not again inside its audit entry.
 */
const CREATED_CHANGES = `coalesce((
  select jsonb_object_agg(field.key, jsonb_build_object('from', null, 'to', field.value))
  from jsonb_each(input.row) field
  where field.key not in ('version', 'createdAt', 'updatedAt') and jsonb_typeof(field.value) <> 'null'), '{}')`;

/** Inserts the new rows of one entity type and their audit entries with one statement. */
export async function insertCreated(
  tx: EntityManager,
  ctx: ServiceContext,
  entityType: EntityType,
  creations: readonly Creation[],
  at: string,
) {
  const of = creations.filter((creation) => creation.entityType === entityType);
  if (of.length === 0) return;
  const { table, columns } = TABLES[entityType];
  const fields = Object.keys(columns);
  await sql(
    tx,
    `with input as (
       select value as row, (value->>'id')::uuid as id, n from jsonb_array_elements(?::jsonb) with ordinality as i(value, n)),
     inserted as (
       insert into ${table} (${fields.map(snakeCase).join(', ')})
       select ${fields.map((field) => `(input.row->>'${field}')::${columns[field]}`).join(', ')} from input)
     insert into audit_log (id, entity_type, entity_id, action, actor_id, actor_name, user_id, user_name, request_id,
       changes, occurred_at)
     select audit.id::uuid, ?, input.id, 'created', ?::uuid, ?, ?::uuid, ?, ?, ${CREATED_CHANGES}, ?::timestamptz
     from input join json_array_elements_text(?::json) with ordinality as audit(id, n) on audit.n = input.n`,
    [
      jsonRows(of.map((creation) => creation.row)),
      entityType,
      ...actorParams(ctx.actor),
      ctx.requestId,
      at,
      JSON.stringify(of.map((creation) => creation.auditId)),
    ],
  );
}
