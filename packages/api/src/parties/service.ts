import type { ListPartiesInput, PartyInput, PartyPatch, SearchPartiesInput, UpdatePartyInput } from '@takst/contract';
import {
  type EntityManager,
  OptimisticLockError,
  type Party,
  PartyEntity,
  UniqueConstraintViolationException,
} from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { DomainError, notFound, versionConflict } from '../errors';
import type { Page } from '../lib/keyset-search';
import { lockKeyForTransaction } from '../lib/read-model';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import {
  findPartyRow,
  findPartyRowByOrganizationNumber,
  listPartyRows,
  type PartyRow,
  searchPartyRows,
} from './read-model';

export const partyNotFound = (id: string) => notFound('PARTY_NOT_FOUND', `No party with id ${id}`);

/** The columns of a new party made from its input; single and bulk writes share it. */
export function newPartyFields<Time extends Date | string>(input: PartyInput, now: Time) {
  return {
    id: uuidv7(),
    kind: input.kind ?? (input.organizationNumber ? 'organization' : 'person'),
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    organizationNumber: input.organizationNumber ?? null,
    street: input.address?.street ?? null,
    postalCode: input.address?.postalCode ?? null,
    city: input.address?.city ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Creates a party in the caller's transaction and records it in the audit log. */
export function createPartyIn(tx: EntityManager, ctx: ServiceContext, input: PartyInput): Party {
  const party = tx.create(PartyEntity, newPartyFields(input, new Date()));
  recordAudit(tx, ctx, {
    entityType: 'party',
    entityId: party.id,
    action: 'created',
    before: null,
    after: snapshot(party),
  });
  return party;
}

/**
 * The party an inline reference means: an organisation is matched by its organisation number
 * (one party per number), anyone else is created.
 */
export async function resolveParty(tx: EntityManager, ctx: ServiceContext, input: PartyInput): Promise<Party> {
  if (input.organizationNumber) {
    await lockKeyForTransaction(tx, `organization:${input.organizationNumber}`);
    const existing = await tx.findOne(PartyEntity, { organizationNumber: input.organizationNumber });
    if (existing) return existing;
  }
  return createPartyIn(tx, ctx, input);
}

export async function getPartyIn(em: EntityManager, id: string): Promise<Party> {
  const party = await em.findOne(PartyEntity, { id });
  if (!party) throw partyNotFound(id);
  return party;
}

export async function getParty(em: EntityManager, id: string): Promise<PartyRow> {
  const row = await findPartyRow(em, id);
  if (!row) throw partyNotFound(id);
  return row;
}

export const listParties = (em: EntityManager, input: ListPartiesInput): Promise<Page<PartyRow>> =>
  listPartyRows(em, input);

export const searchParties = (em: EntityManager, input: SearchPartiesInput): Promise<Page<PartyRow>> =>
  searchPartyRows(em, input);

/**
 * The unique index on organisation numbers decides, so two concurrent writes of one number
 * cannot both succeed; the loser's violation becomes DUPLICATE_ORGANIZATION_NUMBER.
 */
async function explainWriteFailure(em: EntityManager, error: unknown, organizationNumber: string | null | undefined) {
  if (!(error instanceof UniqueConstraintViolationException) || !organizationNumber) return error;
  const holder = await findPartyRowByOrganizationNumber(em, organizationNumber);
  return new DomainError(
    'CONFLICT',
    'DUPLICATE_ORGANIZATION_NUMBER',
    `Organisation number ${organizationNumber} belongs to another party`,
    holder ? { existingPartyId: holder.id } : undefined,
  );
}

export async function createParty(ctx: ServiceContext, input: PartyInput): Promise<Party> {
  try {
    return await inTransaction(ctx.em, async (tx) => createPartyIn(tx, ctx, input));
  } catch (error) {
    throw await explainWriteFailure(ctx.em, error, input.organizationNumber);
  }
}

type PartyColumns = Pick<
  Party,
  'kind' | 'name' | 'email' | 'phone' | 'organizationNumber' | 'street' | 'postalCode' | 'city'
>;

function patchedColumns(patch: PartyPatch): Partial<PartyColumns> {
  const { address, ...fields } = patch;
  if (address === undefined) return fields;
  return {
    ...fields,
    street: address?.street ?? null,
    postalCode: address?.postalCode ?? null,
    city: address?.city ?? null,
  };
}

/** Only the columns the patch really changes, so an unchanged patch writes nothing. */
function changedColumns(party: Party, patch: PartyPatch): Partial<PartyColumns> {
  const changed: Partial<PartyColumns> = {};
  for (const [key, value] of Object.entries(patchedColumns(patch)) as [keyof PartyColumns, unknown][]) {
    if (value !== undefined && (party[key] ?? null) !== value) Object.assign(changed, { [key]: value });
  }
  return changed;
}

function refusePersonWithOrganizationNumber(kind: string, organizationNumber: string | null | undefined) {
  if (kind !== 'person' || !organizationNumber) return;
  const message = 'A person has no organisation number';
  throw new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', message, {
    issues: [{ path: ['patch', 'organizationNumber'], message, code: 'custom' }],
  });
}

const partyVersionConflict = (id: string, expectedVersion: number, currentVersion: number | undefined) =>
  versionConflict(`Party ${id}`, currentVersion, expectedVersion);

/** Applies a patch in the caller's transaction at the version the caller read; says whether anything changed. */
export async function patchPartyIn(
  tx: EntityManager,
  ctx: ServiceContext,
  input: UpdatePartyInput,
): Promise<{ party: Party; changed: boolean }> {
  const party = await getPartyIn(tx, input.id);
  if (party.version !== input.expectedVersion)
    throw partyVersionConflict(party.id, input.expectedVersion, party.version);
  const changed = changedColumns(party, input.patch);
  if (Object.keys(changed).length === 0) return { party, changed: false };
  refusePersonWithOrganizationNumber(
    changed.kind ?? party.kind,
    changed.organizationNumber !== undefined ? changed.organizationNumber : party.organizationNumber,
  );
  const before = snapshot(party);
  tx.assign(party, { ...changed, updatedAt: new Date() });
  recordAudit(tx, ctx, { entityType: 'party', entityId: party.id, action: 'updated', before, after: snapshot(party) });
  return { party, changed: true };
}

/** What a failed party write answers: a lost version race or a taken organisation number, explained. */
export async function explainPartyWriteFailure(
  em: EntityManager,
  error: unknown,
  write: { id?: string; expectedVersion?: number; organizationNumber?: string | null | undefined },
): Promise<unknown> {
  if (error instanceof OptimisticLockError && write.id && write.expectedVersion !== undefined) {
    const current = await findPartyRow(em, write.id);
    return partyVersionConflict(write.id, write.expectedVersion, current?.version);
  }
  return explainWriteFailure(em, error, write.organizationNumber);
}

/** Changes fields of a party at the version the caller read; the version column makes the UPDATE conditional on it. */
export async function updateParty(ctx: ServiceContext, input: UpdatePartyInput): Promise<Party> {
  try {
    return (await inTransaction(ctx.em, (tx) => patchPartyIn(tx, ctx, input))).party;
  } catch (error) {
    const { id, expectedVersion, patch } = input;
    throw await explainPartyWriteFailure(ctx.em, error, {
      id,
      expectedVersion,
      organizationNumber: patch.organizationNumber,
    });
  }
}
