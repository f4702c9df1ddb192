import type { SearchPropertiesInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { type Condition, containsEveryWord, type Page, selectKeysetPage } from '../lib/keyset-search';
import { selectListFor, selectRows } from '../lib/read-model';
import type { PropertyRecord } from './mapper';

/** A property row as the read model returns it: the entity's fields, timestamps as ISO strings. */
export type PropertyRow = Omit<PropertyRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** The identity a property is found by: its canonical cadastre id, or its cooperative share. */
export type PropertyIdentity = { cadastreId: string } | { cooperativeOrganizationNumber: string; shareNumber: string };

// The same expression as the trigram index properties_address_trgm_idx, so the index serves it.
const ADDRESS_TEXT = `p.street || ' ' || p.postal_code || ' ' || p.city`;

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Property', 'p');
  return selectList;
};

async function findOneRow(em: EntityManager, where: Condition): Promise<PropertyRow | undefined> {
  const rows = await selectRows<PropertyRow>(em, `select ${columns(em)} from properties p where ${where.sql}`, [
    ...where.params,
  ]);
  return rows[0];
}

export const findPropertyRow = (em: EntityManager, id: string) => findOneRow(em, { sql: 'p.id = ?', params: [id] });

export function findPropertyRowByIdentity(em: EntityManager, identity: PropertyIdentity) {
  if ('cadastreId' in identity) return findOneRow(em, { sql: 'p.cadastre_id = ?', params: [identity.cadastreId] });
  return findOneRow(em, {
    sql: 'p.cooperative_organization_number = ? and p.share_number = ?',
    params: [identity.cooperativeOrganizationNumber, identity.shareNumber],
  });
}

function searchConditions(input: SearchPropertiesInput): Condition[] {
  const conditions: Condition[] = [];
  const text = input.q ? containsEveryWord(ADDRESS_TEXT, input.q) : null;
  if (text) conditions.push(text);
  if (input.municipality) conditions.push({ sql: 'p.municipality = ?', params: [input.municipality] });
  if (input.gnr !== undefined) conditions.push({ sql: 'p.gnr = ?', params: [input.gnr] });
  if (input.bnr !== undefined) conditions.push({ sql: 'p.bnr = ?', params: [input.bnr] });
  return conditions;
}

export function searchPropertyRows(em: EntityManager, input: SearchPropertiesInput): Promise<Page<PropertyRow>> {
  return selectKeysetPage<PropertyRow>(em, {
    select: columns(em),
    table: 'properties',
    alias: 'p',
    conditions: searchConditions(input),
    limit: input.limit,
    cursor: input.cursor,
  });
}
