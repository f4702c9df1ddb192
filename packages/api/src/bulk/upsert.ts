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
import { type EventIntent, queueEvent } from '../events/publisher';
import type { Logger } from '../lib/logger';
import { refusalOfRawInput } from '../lib/raw-input';
import { inTransaction } from '../lib/transaction';
import type { ServiceContext } from '../platform';
import { type CreateCandidate, createInBatch } from './create-batch';
import { type ExistingAssignment, lockExistingAssignments, scalarChanges } from './existing';
import { domainError, itemErrorOf, validationError } from './item-errors';
import { keyString, lockAndFindByKeys } from './keys';
import { inSavepoint } from './savepoint';
import { sql, uuidArray } from './sql';
import { type UpdateCandidate, updateInBatch } from './update-batch';
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
 * that fails its schema or is refused never stops the others. One transaction: unchanged items
 * are recognised without writing; creates, and updates of the type, due date or notes, are
 * written set-based (a statement per table); the rest (other updates, keys repeated in the call)
 * go one by one in savepoints through the single-write services, as do the set-based ones should
 * one of their statements fail.
 */
export async function bulkUpsertAssignments(ctx: BulkContext, rawItems: readonly unknown[]): Promise<Output> {
  const results: BulkUpsertResult[] = [];
  const valid: ValidItem[] = [];
  rawItems.forEach((raw, index) => {
    const refused = refusalOfRawInput(raw);
    if (refused) {
      results[index] = { index, status: 'error', error: domainError(refused) };
      return;
    }
    const parsed = bulkUpsertItemSchema.safeParse(raw);
    if (parsed.success) valid.push({ index, item: parsed.data });
    else results[index] = { index, status: 'error', error: validationError(parsed.error) };
  });
  const outcomes = valid.length > 0 ? await inTransaction(ctx.em, (tx) => upsertAll(tx, ctx, valid)) : new Map();
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

/** How the items of a call are done. */
interface Plan {
  /** Items whose key names nothing yet: created set-based. */
  creates: CreateCandidate[];
  /** Items that change only the type, due date or notes: updated set-based. */
  updates: UpdateCandidate[];
  /** Other changes (a relation, the appraiser): one by one through the single-write services. */
  single: ValidItem[];
  /** Items naming what an earlier item of the call named: one by one, after the rest, to see its work. */
  later: ValidItem[];
}

/** Sorts the items by what they need, answering those that need nothing written (unchanged, not found). */
function planOf(
  items: readonly ValidItem[],
  found: Map<string, string>,
  existing: Map<string, ExistingAssignment>,
  outcomes: Map<number, Outcome>,
): Plan {
  const plan: Plan = { creates: [], updates: [], single: [], later: [] };
  const named = new Set<string>();
  for (const valid of items) {
    const { index, item } = valid;
    const key = keyString(item.key);
    const id = found.get(key);
    const current = id === undefined ? undefined : existing.get(id);
    const changes = current && scalarChanges(item.assignment, current);
    if (named.has(key) || (id !== undefined && named.has(id))) plan.later.push(valid);
    else if (id === undefined && 'reference' in item.key) {
      outcomes.set(index, domainError(assignmentNotFound(`reference ${item.key.reference}`)));
    } else if (id === undefined && 'externalRef' in item.key) {
      plan.creates.push({ index, externalRef: item.key.externalRef, input: item.assignment });
    } else if (current && changes && Object.keys(changes).length === 0) {
      outcomes.set(index, { status: 'unchanged', id: current.id, reference: current.reference });
    } else if (current && changes) plan.updates.push({ index, existing: current, changes });
    else plan.single.push(valid);
    named.add(key);
    if (id !== undefined) named.add(id);
  }
  return plan;
}

async function upsertAll(tx: EntityManager, ctx: BulkContext, items: readonly ValidItem[]) {
  const now = new Date();
  const outcomes = new Map<number, Outcome>();
  const found = await lockAndFindByKeys(
    tx,
    items.map(({ item }) => item.key),
  );
  const existing = await lockExistingAssignments(tx, [...new Set(found.values())]);
  const plan = planOf(items, found, existing, outcomes);
  const byIndex = new Map(items.map((valid) => [valid.index, valid]));
  const itemsOf = (candidates: readonly { index: number }[]) =>
    candidates.map(({ index }) => byIndex.get(index) as ValidItem);
  await oneByOne(tx, ctx, plan.single, outcomes);
  await setBased(tx, ctx, itemsOf(plan.updates), outcomes, async () => {
    const { updated, events } = await updateInBatch(tx, ctx, plan.updates, now);
    const done = new Map<number, Outcome>();
    for (const [index, outcome] of updated) done.set(index, { status: 'updated', ...outcome });
    return { done, events };
  });
  await setBased(tx, ctx, itemsOf(plan.creates), outcomes, async () => {
    const { created, refused, events } = await createInBatch(tx, ctx, plan.creates, now);
    const done = new Map<number, Outcome>(refused);
    for (const [index, outcome] of created) done.set(index, { status: 'created', ...outcome });
    return { done, events };
  });
  await oneByOne(tx, ctx, plan.later, outcomes);
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

/**
 * Runs set-based work for `items` in a savepoint, then queues its events. Should a statement
 * fail, undoes it and does the items one by one instead, each in a savepoint of its own, so the
 * item the database refuses is found and answered alone.
 */
async function setBased(
  tx: EntityManager,
  ctx: BulkContext,
  items: readonly ValidItem[],
  outcomes: Map<number, Outcome>,
  work: () => Promise<{ done: Map<number, Outcome>; events: EventIntent[] }>,
): Promise<void> {
  if (items.length === 0) return;
  await sql(tx, 'savepoint bulk_batch', []);
  let result: Awaited<ReturnType<typeof work>>;
  try {
    result = await work();
    await sql(tx, 'release savepoint bulk_batch', []);
  } catch (error) {
    await sql(tx, 'rollback to savepoint bulk_batch', []);
    ctx.logger.warn({ err: error, requestId: ctx.requestId, path: PATH }, 'set-based write failed; item by item');
    await oneByOne(tx, ctx, items, outcomes);
    return;
  }
  for (const event of result.events) queueEvent(tx, event);
  for (const [index, outcome] of result.done) outcomes.set(index, outcome);
}
