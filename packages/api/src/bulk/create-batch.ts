import type {
  AssignmentType,
  BulkItemError,
  CreateAssignmentInput,
  ExternalRefInput,
  PartyInput,
  PropertyInput,
} from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { assertCanTake, todayInOslo } from '../appraisers/certification';
import { newAssignmentFields, reserveReferences } from '../assignments/service';
import { DomainError, notFound } from '../errors';
import type { EventIntent } from '../events/publisher';
import { uuidv7 } from '../lib/uuid';
import { newPartyFields, partyNotFound } from '../parties/service';
import type { ServiceContext } from '../platform';
import { newPropertyFields, propertyNotFound } from '../properties/service';
import { type Creation, type EntityType, EXTERNAL_REF_COLUMNS, insertCreated, insertRows, type Row } from './inserts';
import { domainError } from './item-errors';
import { type Lookups, lookUp, propertyIdentityKey } from './lookups';

/** An item to create: its place in the call, the external reference to register, its fields. */
export interface CreateCandidate {
  index: number;
  externalRef: ExternalRefInput;
  input: CreateAssignmentInput;
}

export interface BatchOutcome {
  created: Map<number, { id: string; reference: string }>;
  refused: Map<number, BulkItemError>;
  /** The events of what was created, for the caller to queue once the writes are sure to stay. */
  events: EventIntent[];
}

/**
 * What the single create path refuses before it writes anything: a property, party or appraiser
 * id that names nothing, or an appraiser who may not take the type; checked in the same order.
 */
function refusalOf(input: CreateAssignmentInput, lookups: Lookups, today: string): DomainError | null {
  if (input.propertyId && !lookups.propertyIds.has(input.propertyId)) return propertyNotFound(input.propertyId);
  for (const id of [input.clientId, input.payerId, input.brokerId]) {
    if (id && !lookups.partyIds.has(id)) return partyNotFound(id);
  }
  if (!input.appraiserId) return null;
  const appraiser = lookups.appraisers.get(input.appraiserId);
  if (!appraiser) return notFound('APPRAISER_NOT_FOUND', `No appraiser with id ${input.appraiserId}`);
  try {
    assertCanTake(appraiser, input.type as AssignmentType, today);
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

/**
 * Resolves the property and parties of the items to ids, making rows for what is new: one
 * property per identity and one party per organisation number across the whole batch (as the
 * single path finds what an earlier call made), a new one for anything else given inline.
 */
class Resolver {
  readonly creations: Creation[] = [];
  readonly #lookups: Lookups;
  readonly #now: string;
  readonly #newProperties = new Map<string, string>();
  readonly #newOrganizations = new Map<string, string>();

  constructor(lookups: Lookups, now: string) {
    this.#lookups = lookups;
    this.#now = now;
  }

  propertyId(id: string | undefined, inline: PropertyInput | undefined): string {
    if (!inline) return id as string;
    const identity = propertyIdentityKey(inline);
    const known = identity && (this.#lookups.propertiesByIdentity.get(identity) ?? this.#newProperties.get(identity));
    if (known) return known;
    const row = this.#create('property', newPropertyFields(inline, this.#now));
    if (identity) this.#newProperties.set(identity, row.id);
    return row.id;
  }

  partyId(id: string | undefined, inline: PartyInput | undefined): string | undefined {
    if (!inline) return id;
    const number = inline.organizationNumber;
    const known = number && (this.#lookups.partiesByOrganization.get(number) ?? this.#newOrganizations.get(number));
    if (known) return known;
    const row = this.#create('party', newPartyFields(inline, this.#now));
    if (number) this.#newOrganizations.set(number, row.id);
    return row.id;
  }

  assignment(row: Row): void {
    this.#create('assignment', row);
  }

  #create(entityType: EntityType, row: Row): { id: string } {
    this.creations.push({ entityType, row, auditId: uuidv7() });
    return row as { id: string };
  }
}

interface Planned {
  candidate: CreateCandidate;
  row: Row;
}

/** The assignment row of an item, its property and parties resolved in the single path's order. */
function plan(candidate: CreateCandidate, resolver: Resolver, now: string): Planned {
  const { input } = candidate;
  const propertyId = resolver.propertyId(input.propertyId, input.property);
  const clientId = resolver.partyId(input.clientId, input.client) as string;
  const payerId = resolver.partyId(input.payerId, input.payer) ?? clientId;
  const brokerId = resolver.partyId(input.brokerId, input.broker) ?? null;
  // The reference is filled in once the whole batch's references are reserved.
  const row: Row = newAssignmentFields(input, { propertyId, clientId, payerId, brokerId }, '', now);
  resolver.assignment(row);
  return { candidate, row };
}

/**
 * Each created row's event, in the order the single path queues them (property, parties,
 * assignment); each takes its changes from its audit entry.
 */
function eventsOf(ctx: ServiceContext, creations: readonly Creation[], occurredAt: Date): EventIntent[] {
  return creations.map((creation) => ({
    entityType: creation.entityType,
    entityId: creation.row.id as string,
    action: 'created',
    changes: {},
    reason: null,
    actor: ctx.actor,
    requestId: ctx.requestId,
    occurredAt,
    auditId: creation.auditId,
  }));
}

/**
 * Creates the assignments of many items with a statement per table: one lookup per kind of thing
 * referred to, one bump of the reference counter, one INSERT each for properties, parties,
 * assignments, external references and audit entries, and their events handed back to queue.
 * Items the single path would refuse are refused here, before anything is written. Throws when a
 * statement fails; run it in a savepoint, and fall back to item by item.
 */
export async function createInBatch(
  tx: EntityManager,
  ctx: ServiceContext,
  candidates: readonly CreateCandidate[],
  now: Date,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: new Map(), refused: new Map(), events: [] };
  const lookups = await lookUp(
    tx,
    candidates.map((candidate) => candidate.input),
  );
  const at = now.toISOString();
  const today = todayInOslo(now);
  const resolver = new Resolver(lookups, at);
  const planned: Planned[] = [];
  for (const candidate of candidates) {
    const refusal = refusalOf(candidate.input, lookups, today);
    if (refusal) outcome.refused.set(candidate.index, domainError(refusal));
    else planned.push(plan(candidate, resolver, at));
  }
  if (planned.length === 0) return outcome;
  const refs = planned.map(({ candidate, row }) => ({
    id: uuidv7(),
    entityType: 'assignment',
    system: candidate.externalRef.system,
    externalId: candidate.externalRef.externalId,
    entityId: row.id,
    createdAt: at,
  }));
  await insertRows(tx, 'external_refs', EXTERNAL_REF_COLUMNS, refs);
  // Properties and parties first: the assignments' foreign keys and search-field trigger need them.
  await insertCreated(tx, ctx, 'property', resolver.creations, at);
  await insertCreated(tx, ctx, 'party', resolver.creations, at);
  // The reference counter stays locked until commit and makes creating transactions take turns:
  // everything that does not need a reference is written before it is taken.
  const references = await reserveReferences(tx, now, planned.length);
  planned.forEach((item, i) => {
    item.row.reference = references[i];
  });
  await insertCreated(tx, ctx, 'assignment', resolver.creations, at);
  outcome.events = eventsOf(ctx, resolver.creations, now);
  for (const { candidate, row } of planned) {
    outcome.created.set(candidate.index, { id: row.id as string, reference: row.reference as string });
  }
  return outcome;
}
