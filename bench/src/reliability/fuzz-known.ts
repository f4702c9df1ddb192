/**
 * What the fuzzer learns from the server's answers: ids of rows that exist (by kind), their
 * versions, cursors and continuation tokens, assignment references and the event sequence, so
 * that inputs can name real rows and real cursors instead of only made-up ones.
 */
import { type EntityKind, entityKindOf, type KnownValues } from './fuzz-schema';

const POOL_SIZE = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const REFERENCE = /^\d{4}-\d{6,}$/;

/** The row kind an object holds, by the property that holds it. */
const KIND_BY_HOLDER: Record<string, EntityKind> = {
  assignment: 'assignment',
  property: 'property',
  client: 'party',
  payer: 'party',
  broker: 'party',
  party: 'party',
  appraiser: 'appraiser',
  inspection: 'inspection',
  report: 'report',
  note: 'note',
  endpoint: 'webhook',
  webhook: 'webhook',
  delivery: 'delivery',
};

const KIND_BY_ENTITY_TYPE: Record<string, EntityKind> = {
  assignment: 'assignment',
  property: 'property',
  party: 'party',
  appraiser: 'appraiser',
  inspection: 'inspection',
  report: 'report',
  report_version: 'report',
  note: 'note',
  webhook_endpoint: 'webhook',
};

/** Procedures whose items are not rows of their group. */
const ITEM_KINDS: Record<string, EntityKind | null> = {
  'webhooks.deliveries': 'delivery',
  'events.list': null,
  'audit.list': null,
  'assignments.timeline': null,
  'externalRefs.list': null,
  'externalRefs.resolve': null,
  'externalRefs.link': null,
};

/** `record[key]` when the record itself holds it (not `constructor` and the like from its prototype). */
const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Pool<T> {
  readonly items: T[] = [];
  #seen = new Set<T>();
  #added = 0;

  add(item: T): void {
    if (this.#seen.has(item)) return;
    this.#seen.add(item);
    // Once full, newer items take turns replacing older ones, so fresh rows keep being named.
    if (this.items.length < POOL_SIZE) this.items.push(item);
    else this.items[this.#added % POOL_SIZE] = item;
    this.#added++;
  }

  remove(item: T): void {
    const at = this.items.indexOf(item);
    if (at !== -1) this.items.splice(at, 1);
  }
}

export class Known implements KnownValues {
  #ids = new Map<EntityKind, Pool<string>>();
  #versions = new Map<string, number>();
  #texts = { cursor: new Pool<string>(), continuation: new Pool<string>(), reference: new Pool<string>() };
  #externalRefs = new Pool<string>();
  #sequence = 0;
  /** Ids never to hand out (the API clients the run depends on: revoking them would end it). */
  #protected = new Set<string>();

  ids(kind: EntityKind): readonly string[] {
    return this.#ids.get(kind)?.items ?? [];
  }

  version(id: string): number | undefined {
    return this.#versions.get(id);
  }

  texts(kind: 'cursor' | 'continuation' | 'reference'): readonly string[] {
    return this.#texts[kind].items;
  }

  lastSequence(): number {
    return this.#sequence;
  }

  externalRefs(): readonly { system: string; externalId: string }[] {
    return this.#externalRefs.items.map((text) => JSON.parse(text) as { system: string; externalId: string });
  }

  protect(id: string): void {
    this.#protected.add(id);
    for (const pool of this.#ids.values()) pool.remove(id);
  }

  addId(kind: EntityKind, id: unknown): void {
    if (typeof id !== 'string' || !UUID.test(id) || this.#protected.has(id)) return;
    let pool = this.#ids.get(kind);
    if (!pool) {
      pool = new Pool();
      this.#ids.set(kind, pool);
    }
    pool.add(id);
  }

  /** Learns from a successful answer of `procedure`. */
  harvest(procedure: string, data: unknown): void {
    const group = procedure.split('.')[0] ?? '';
    if (group === 'apiClients') {
      // Only clients the run made itself; listing would hand out the keys the run depends on.
      if (procedure === 'apiClients.create' && isObject(data) && isObject(data.client)) {
        this.addId('apiClient', data.client.id);
      }
      return;
    }
    const topKind = Object.hasOwn(ITEM_KINDS, procedure) ? ITEM_KINDS[procedure] : entityKindOf('id', procedure);
    this.#walk(data, topKind ?? null, procedure, 0);
  }

  #walk(value: unknown, kind: EntityKind | null, procedure: string, depth: number): void {
    if (depth > 8) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 500)) this.#walk(item, kind, procedure, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    if (kind && typeof value.id === 'string') {
      this.addId(kind, value.id);
      if (typeof value.version === 'number') this.#versions.set(value.id, value.version);
    }
    const entityKind = typeof value.entityType === 'string' ? own(KIND_BY_ENTITY_TYPE, value.entityType) : undefined;
    if (entityKind) this.addId(entityKind, value.entityId);
    if (typeof value.system === 'string' && typeof value.externalId === 'string') {
      this.#externalRefs.add(JSON.stringify({ system: value.system, externalId: value.externalId }));
    }
    if (typeof value.sequence === 'number') this.#sequence = Math.max(this.#sequence, value.sequence);
    if (typeof value.nextAfter === 'number') this.#sequence = Math.max(this.#sequence, value.nextAfter);
    for (const [name, child] of Object.entries(value)) {
      if (typeof child === 'string') {
        if (name === 'nextCursor' || name === 'cursor') this.#texts.cursor.add(child);
        else if (name === 'continuation' || name === 'nextContinuation') this.#texts.continuation.add(child);
        else if (name === 'reference' && REFERENCE.test(child)) this.#texts.reference.add(child);
        else if (name.endsWith('Id') && name !== 'actorId' && name !== 'requestId' && name !== 'entityId') {
          const fieldKind = entityKindOf(name, procedure);
          if (fieldKind) this.addId(fieldKind, child);
        }
      } else if (isObject(child) || Array.isArray(child)) {
        const childKind =
          name === 'items' || name === 'results'
            ? kind
            : name === 'entity' && entityKind
              ? entityKind
              : (own(KIND_BY_HOLDER, name) ?? null);
        this.#walk(child, childKind, procedure, depth + 1);
      }
    }
  }
}
