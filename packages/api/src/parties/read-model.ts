import type { ListPartiesInput, SearchPartiesInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { type Condition, containsEveryWord, type Page, selectKeysetPage } from '../lib/keyset-search';
import { selectListFor, selectRows } from '../lib/read-model';
import type { PartyRecord } from './mapper';

/** A party row as the read model returns it: the entity's fields, timestamps as ISO strings. */
export type PartyRow = Omit<PartyRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Party', 'p');
  return selectList;
};

async function findOneRow(em: EntityManager, where: Condition): Promise<PartyRow | undefined> {
  const rows = await selectRows<PartyRow>(em, `select ${columns(em)} from parties p where ${where.sql}`, [
    ...where.params,
  ]);
  return rows[0];
}

export const findPartyRow = (em: EntityManager, id: string) => findOneRow(em, { sql: 'p.id = ?', params: [id] });

export const findPartyRowByOrganizationNumber = (em: EntityManager, organizationNumber: string) =>
  findOneRow(em, { sql: 'p.organization_number = ?', params: [organizationNumber] });

function pageOfParties(em: EntityManager, conditions: Condition[], input: { limit: number; cursor?: string }) {
  return selectKeysetPage<PartyRow>(em, {
    select: columns(em),
    table: 'parties',
    alias: 'p',
    conditions,
    limit: input.limit,
    cursor: input.cursor,
  });
}

export function listPartyRows(em: EntityManager, input: ListPartiesInput): Promise<Page<PartyRow>> {
  const conditions = input.kind ? [{ sql: 'p.kind = ?', params: [input.kind] }] : [];
  return pageOfParties(em, conditions, input);
}

const MATCHES_NOTHING: Condition = { sql: 'false', params: [] };

/** Every word of `q` in the name (trigram index parties_name_trgm_idx), or `q` as the exact organisation number. */
function matchesQuery(q: string): Condition {
  const byName = containsEveryWord('p.name', q) ?? MATCHES_NOTHING;
  if (!/^\d{9}$/.test(q)) return byName;
  return { sql: `(${byName.sql}) or p.organization_number = ?`, params: [...byName.params, q] };
}

export function searchPartyRows(em: EntityManager, input: SearchPartiesInput): Promise<Page<PartyRow>> {
  return pageOfParties(em, [matchesQuery(input.q)], input);
}
