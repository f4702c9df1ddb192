import type { ListUsersInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { type Condition, type Page, selectKeysetPage } from '../lib/keyset-search';
import { ISO_MS, selectRows } from '../lib/read-model';
import type { UserRow } from './mapper';

const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_MS})`;

// Named column by column, not made from the entity's metadata: that would read the password hash.
const COLUMNS = `u.id, u.email, u.name, u.active, u.roles, u.appraiser_id as "appraiserId",
  u.password_hash is not null as "hasPassword", u.version, ${iso('u.created_at')} as "createdAt",
  ${iso('u.updated_at')} as "updatedAt", ${iso('u.deactivated_at')} as "deactivatedAt"`;

async function findOneRow(em: EntityManager, where: Condition): Promise<UserRow | undefined> {
  const rows = await selectRows<UserRow>(em, `select ${COLUMNS} from users u where ${where.sql}`, where.params);
  return rows[0];
}

export const findUserRow = (em: EntityManager, id: string) => findOneRow(em, { sql: 'u.id = ?', params: [id] });

/** The user with this email, whatever its case (served by the unique index on lower(email)). */
export const findUserRowByEmail = (em: EntityManager, email: string) =>
  findOneRow(em, { sql: 'lower(u.email) = lower(?)', params: [email] });

export const findUserRowByAppraiser = (em: EntityManager, appraiserId: string) =>
  findOneRow(em, { sql: 'u.appraiser_id = ?', params: [appraiserId] });

/** Newest first, keyset-paginated on (created_at desc, id desc). */
export function listUserRows(em: EntityManager, input: ListUsersInput): Promise<Page<UserRow>> {
  const conditions: Condition[] = [];
  if (input.active !== undefined) conditions.push({ sql: 'u.active = ?', params: [input.active] });
  if (input.role) conditions.push({ sql: '? = any(u.roles)', params: [input.role] });
  return selectKeysetPage<UserRow>(em, {
    select: COLUMNS,
    table: 'users',
    alias: 'u',
    conditions,
    limit: input.limit,
    cursor: input.cursor,
  });
}
