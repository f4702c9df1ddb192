/**
 * What the soak asks, over the wire a client without the SDK uses: GETs by id, list pages
 * followed by their cursors, and keyed creates, updates and replays of creates.
 */
import { randomUUID } from 'node:crypto';
import { getByIdPath } from './load';
import { trpcData, trpcQueryPath, type WireAnswer, type WireClient } from './soak-http';
import type { OperationKind, Outcome } from './soak-recorder';

export interface Operation {
  kind: OperationKind;
  run(): Promise<Outcome>;
}

export interface Workload {
  next(): Operation;
}

/** Shares of the mix; reads dominate, as they do for the console and the connectors. */
export const SOAK_MIX: Readonly<Record<OperationKind, number>> = {
  get: 0.7,
  list: 0.18,
  create: 0.05,
  update: 0.06,
  replay: 0.01,
};

const LIST_SHAPES: readonly Record<string, unknown>[] = [
  { limit: 50 },
  { limit: 50, sort: 'dueDate' },
  { limit: 25, status: ['received', 'confirmed', 'inspection_booked'] },
];
/** Share of list requests that follow a cursor rather than start on a first page. */
const FOLLOW_CURSOR_SHARE = 0.7;
const KEPT_CURSORS = 32;
const KEPT_CREATES = 64;

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
const failed = (answer: WireAnswer): Outcome => ({ failure: `HTTP ${answer.status}` });
const OK: Outcome = {};

/** GET one assignment by id, as get-by-id.ts asks it; the raw baseline answers this one too. */
export class GetByIdWorkload implements Workload {
  constructor(
    private readonly client: WireClient,
    private readonly ids: readonly string[],
  ) {
    if (ids.length === 0) throw new Error('no assignment ids to ask for');
  }

  next(): Operation {
    const id = pick(this.ids) as string;
    return {
      kind: 'get',
      run: async () => {
        const answer = await this.client.request({ method: 'GET', path: getByIdPath(id) });
        if (answer.status !== 200) return failed(answer);
        return answer.body.includes(id) ? OK : { failure: 'answer without the id asked for' };
      },
    };
  }
}

interface Versioned {
  id: string;
  version: number;
}

interface Created {
  key: string;
  body: unknown;
  id: string;
}

interface Continuation {
  shape: Record<string, unknown>;
  cursor: string;
}

export class MixedWorkload implements Workload {
  readonly #gets: GetByIdWorkload;
  /** Assignments an update may change, with the version it must name; one out while in flight. */
  readonly #updatable: Versioned[];
  readonly #continuations: Continuation[] = [];
  readonly #recentCreates: Created[] = [];
  readonly #runId = randomUUID().slice(0, 8);
  #counter = 0;

  constructor(
    private readonly client: WireClient,
    ids: readonly string[],
    updatable: readonly Versioned[],
  ) {
    this.#gets = new GetByIdWorkload(client, ids);
    this.#updatable = [...updatable];
  }

  next(): Operation {
    let draw = Math.random();
    for (const [kind, share] of Object.entries(SOAK_MIX) as [OperationKind, number][]) {
      draw -= share;
      if (draw < 0) return this.#operation(kind);
    }
    return this.#gets.next();
  }

  #operation(kind: OperationKind): Operation {
    switch (kind) {
      case 'get':
        return this.#gets.next();
      case 'list':
        return { kind, run: () => this.#list() };
      case 'create':
        return { kind, run: () => this.#create() };
      case 'update':
        return this.#updatable.length > 0 ? { kind, run: () => this.#update() } : this.#operation('create');
      case 'replay':
        return this.#recentCreates.length > 0 ? { kind, run: () => this.#replay() } : this.#operation('create');
    }
  }

  async #list(): Promise<Outcome> {
    const continuation = Math.random() < FOLLOW_CURSOR_SHARE ? this.#continuations.shift() : undefined;
    const shape = continuation?.shape ?? (pick(LIST_SHAPES) as Record<string, unknown>);
    const input = continuation ? { ...shape, cursor: continuation.cursor } : shape;
    const answer = await this.client.request({ method: 'GET', path: trpcQueryPath('assignments.list', input) });
    if (answer.status !== 200) return failed(answer);
    const page = trpcData<{ items: unknown[]; nextCursor: string | null }>(answer.body);
    if (!page) return { failure: 'list answer without a page' };
    if (page.nextCursor) {
      this.#continuations.push({ shape, cursor: page.nextCursor });
      if (this.#continuations.length > KEPT_CURSORS) this.#continuations.shift();
    }
    return OK;
  }

  async #create(): Promise<Outcome> {
    const n = ++this.#counter;
    const key = randomUUID();
    const body = {
      type: 'condition_report',
      property: { address: { street: `Soakveien ${n}`, postalCode: '0155', city: 'Oslo' } },
      client: { name: `Soak kunde ${this.#runId}-${n}` },
      notes: `soak ${this.#runId} ${n}`,
    };
    const answer = await this.client.request({
      method: 'POST',
      path: '/trpc/assignments.create',
      body,
      idempotencyKey: key,
    });
    if (answer.status !== 200) return failed(answer);
    const created = trpcData<Versioned>(answer.body);
    if (!created) return { failure: 'create answer without the assignment' };
    this.#updatable.push({ id: created.id, version: created.version });
    this.#recentCreates.push({ key, body, id: created.id });
    if (this.#recentCreates.length > KEPT_CREATES) this.#recentCreates.shift();
    return OK;
  }

  async #update(): Promise<Outcome> {
    const index = Math.floor(Math.random() * this.#updatable.length);
    const [target] = this.#updatable.splice(index, 1) as [Versioned];
    const body = {
      id: target.id,
      expectedVersion: target.version,
      patch: { notes: `soak update ${this.#runId} ${++this.#counter}` },
    };
    const answer = await this.client.request({
      method: 'POST',
      path: '/trpc/assignments.update',
      body,
      idempotencyKey: randomUUID(),
    });
    // Without a new version the assignment cannot be updated again; it leaves the pool.
    if (answer.status !== 200) return failed(answer);
    const updated = trpcData<Versioned>(answer.body);
    if (!updated) return { failure: 'update answer without the assignment' };
    this.#updatable.push({ id: updated.id, version: updated.version });
    return OK;
  }

  /** A create sent again under its key and body must answer the same assignment. */
  async #replay(): Promise<Outcome> {
    const original = pick(this.#recentCreates) as Created;
    const answer = await this.client.request({
      method: 'POST',
      path: '/trpc/assignments.create',
      body: original.body,
      idempotencyKey: original.key,
    });
    if (answer.status !== 200) return failed(answer);
    return trpcData<Versioned>(answer.body)?.id === original.id
      ? OK
      : { failure: 'replay answered another assignment' };
  }
}
