import {
  type BulkItemError,
  type BulkUpsertItem,
  type BulkUpsertResult,
  type bulkUpsertAssignmentsOutput,
  bulkUpsertItemSchema,
} from '@takst/contract';
import type { EntityManager } from '@takst/db';
import type { z } from 'zod';
import { assignmentNotFound } from '../assignments/service';
import { queueEvent } from '../events/publisher';
import type { Logger } from '../lib/logger';
import type { ServiceContext } from '../platform';
import { type CreateCandidate, createInBatch } from './create-batch';
import { changesNothing, lockExistingAssignments } from './existing';
import { domainError, itemErrorOf, validationError } from './item-errors';
import { keyString, lockAndFindByKeys } from './keys';
import { inSavepoint } from './savepoint';
import { sql, uuidArray } from './sql';
import { upsertOne } from './upsert-one';

export interface BulkContext extends ServiceContext {
  logger: Logger;
}

type Output = z.output<typeof bulkUpsertAssignmentsOutput>;

interface ValidItem {
  index: number;
  item: BulkUpsertItem;
}

type Outcome = { status: 'created' | 'updated' | 'unchanged'; id: string; reference?: string } | BulkItemError;

const PATH = 'assignments.bulkUpsert';

/**
 * Creates or updates many assignments, each matched by its key, with per-item results: an item
 * that fails its schema or is refused never stops the others. One transaction: items that would
 * create are written set-based (a statement per table), unchanged ones are recognised without
 * writing, the rest (updates, keys repeated in the call) go one by one in savepoints through the
 * single-write services, and so do the creates should a set-based statement fail.
 */
export async function bulkUpsertAssignments(ctx: BulkContext, rawItems: readonly unknown[]): Promise<Output> {
  const results: BulkUpsertResult[] = [];
  const valid: ValidItem[] = [];
  rawItems.forEach((raw, index) => {
    const parsed = bulkUpsertItemSchema.safeParse(raw);
    if (parsed.success) valid.push({ index, item: parsed.data });
    else results[index] = { index, status: 'error', error: validationError(parsed.error) };
  });
  const outcomes = valid.length > 0 ? await ctx.em.transactional((tx) => upsertAll(tx, ctx, valid)) : new Map();
  const references = await referencesOf(ctx.em, [...outcomes.values()]);
  for (const [index, outcome] of outcomes) {
    results[index] =
      'errorCode' in outcome
        ? { index, status: 'error', error: outcome }
        : { index, ...outcome, reference: outcome.reference ?? references.get(outcome.id) };
  }
  return { results, counts: countsOf(results) };
}

function countsOf(results: readonly BulkUpsertResult[]): Output['counts'] {
  const counts = { created: 0, updated: 0, unchanged: 0, error: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

/** References of the items done one by one (the set-based path knows its own). */
async function referencesOf(em: EntityManager, outcomes: readonly Outcome[]): Promise<Map<string, string>> {
  const ids = outcomes.flatMap((outcome) => ('id' in outcome && !outcome.reference ? [outcome.id] : []));
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; reference: string }>(
    em,
    'select id, reference from assignments where id = any(?::uuid[])',
    [uuidArray(ids)],
  );
  return new Map(rows.map((row) => [row.id, row.reference]));
}

async function upsertAll(tx: EntityManager, ctx: BulkContext, items: readonly ValidItem[]) {
  const now = new Date();
  const outcomes = new Map<number, Outcome>();
  const found = await lockAndFindByKeys(
    tx,
    items.map(({ item }) => item.key),
  );
  const existing = await lockExistingAssignments(tx, [...new Set(found.values())]);
  const creates: CreateCandidate[] = [];
  const updates: ValidItem[] = [];
  // An item naming what an earlier item named sees that item's work: it goes one by one, after.
  const later: ValidItem[] = [];
  const named = new Set<string>();
  for (const valid of items) {
    const { index, item } = valid;
    const key = keyString(item.key);
    const id = found.get(key);
    if (named.has(key) || (id !== undefined && named.has(id))) later.push(valid);
    else if (id === undefined && 'reference' in item.key) {
      outcomes.set(index, domainError(assignmentNotFound(`reference ${item.key.reference}`)));
    } else if (id === undefined && 'externalRef' in item.key) {
      creates.push({ index, externalRef: item.key.externalRef, input: item.assignment });
    } else if (id !== undefined) {
      const current = existing.get(id);
      if (current && changesNothing(item.assignment, current)) {
        outcomes.set(index, { status: 'unchanged', id, reference: current.reference });
      } else updates.push(valid);
    }
    named.add(key);
    if (id !== undefined) named.add(id);
  }
  await oneByOne(tx, ctx, updates, outcomes);
  await createAll(tx, ctx, creates, now, outcomes);
  await oneByOne(tx, ctx, later, outcomes);
  return outcomes;
}

async function oneByOne(
  tx: EntityManager,
  ctx: BulkContext,
  items: readonly ValidItem[],
  outcomes: Map<number, Outcome>,
): Promise<void> {
  for (const { index, item } of items) {
    try {
      outcomes.set(index, await inSavepoint(tx, (inner) => upsertOne(inner, { ...ctx, em: inner }, item)));
    } catch (error) {
      outcomes.set(index, itemErrorOf(error, { logger: ctx.logger, requestId: ctx.requestId, path: PATH, index }));
    }
  }
}

/** Creates set-based in a savepoint; should a statement fail, undoes it and creates item by item. */
async function createAll(
  tx: EntityManager,
  ctx: BulkContext,
  creates: readonly CreateCandidate[],
  now: Date,
  outcomes: Map<number, Outcome>,
): Promise<void> {
  if (creates.length === 0) return;
  await sql(tx, 'savepoint bulk_create', []);
  try {
    const batch = await createInBatch(tx, ctx, creates, now);
    await sql(tx, 'release savepoint bulk_create', []);
    for (const event of batch.events) queueEvent(tx, event);
    for (const [index, created] of batch.created) outcomes.set(index, { status: 'created', ...created });
    for (const [index, refused] of batch.refused) outcomes.set(index, refused);
  } catch (error) {
    await sql(tx, 'rollback to savepoint bulk_create', []);
    ctx.logger.warn({ err: error, requestId: ctx.requestId, path: PATH }, 'set-based create failed; item by item');
    const items = creates.map(({ index, externalRef, input }) => ({
      index,
      item: { key: { externalRef }, assignment: input },
    }));
    await oneByOne(tx, ctx, items, outcomes);
  }
}
