import type {
  AnyProcedure,
  AnyQueryProcedure,
  AnyTRPCClientTypes,
  AnyTRPCRouter,
  inferProcedureInput,
  inferTRPCClientTypes,
  inferTransformedProcedureOutput,
  TRPCRouterRecord,
} from '@trpc/server';
import { abortedError } from './errors';
import type { TakstCallContext } from './retry';

/** One page of a list: its items, and the cursor of the next page (null on the last). */
export interface CursorPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** The call options of each page request. */
export interface PageCallOptions {
  /** Stops the iteration; the pending request is aborted. */
  signal?: AbortSignal;
  /** As on any call: `maxRetries`, `timeoutMs`, per page request. */
  context?: TakstCallContext;
}

export interface ToArrayOptions extends PageCallOptions {
  /** Stop after this many items; no further page is fetched. */
  max?: number;
}

// tRPC types an input that may be left out as `void | Input`.
type ListInput<Input> = Exclude<Exclude<Input, undefined>, void>;

/** The input may be left out when the list needs none of its fields. */
type PageArgs<Input, Options> = undefined extends Input
  ? [input?: ListInput<Input>, options?: Options]
  : Partial<Input> extends Input
    ? [input?: Input, options?: Options]
    : [input: Input, options?: Options];

/** What the SDK adds to every list query (output `{ items, nextCursor }`) beside `.query`. */
export interface CursorPageHelpers<Input, Item> {
  /**
   * Every item of the list, page by page: `limit` is the page size, a `cursor` starts there.
   * It ends after the last page; leave the loop early to stop fetching.
   */
  iterate(...args: PageArgs<Input, PageCallOptions>): AsyncIterable<Item>;
  /** The items of `iterate`, collected; with `max`, at most that many. */
  toArray(...args: PageArgs<Input, ToArrayOptions>): Promise<Item[]>;
}

type ItemOf<Output> = Output extends CursorPage<infer Item> ? Item : never;

type OutputOf<Root extends AnyTRPCClientTypes, Procedure extends AnyProcedure> = inferTransformedProcedureOutput<
  Root,
  Procedure
>;

type IsCursorList<Root extends AnyTRPCClientTypes, Value> = Value extends AnyQueryProcedure
  ? OutputOf<Root, Value> extends CursorPage<unknown>
    ? true
    : false
  : false;

type CursorHelpersOf<Root extends AnyTRPCClientTypes, Procedures extends TRPCRouterRecord> = {
  [Key in keyof Procedures as Procedures[Key] extends AnyProcedure
    ? IsCursorList<Root, Procedures[Key]> extends true
      ? Key
      : never
    : Key]: Procedures[Key] extends AnyProcedure
    ? CursorPageHelpers<inferProcedureInput<Procedures[Key]>, ItemOf<OutputOf<Root, Procedures[Key]>>>
    : Procedures[Key] extends TRPCRouterRecord
      ? CursorHelpersOf<Root, Procedures[Key]>
      : never;
};

/** `iterate` and `toArray` on every query of `Router` whose output is a `CursorPage`. */
export type WithCursorHelpers<Router extends AnyTRPCRouter> = CursorHelpersOf<
  inferTRPCClientTypes<Router>,
  Router['_def']['record']
>;

export type ListQuery<Item> = (input: Record<string, unknown>, options?: PageCallOptions) => Promise<CursorPage<Item>>;

/** The items, checking before each that the iteration has not been stopped meanwhile. */
export function* untilAborted<Item>(items: Item[], signal: AbortSignal | undefined): Generator<Item, void, undefined> {
  for (const item of items) {
    if (signal?.aborted) throw abortedError(signal, 0);
    yield item;
  }
}

export async function* iteratePages<Item>(
  query: ListQuery<Item>,
  input: Record<string, unknown> = {},
  options: PageCallOptions = {},
): AsyncGenerator<Item, void, undefined> {
  let cursor = input.cursor;
  do {
    const page = await query(cursor === undefined ? input : { ...input, cursor }, options);
    yield* untilAborted(page.items, options.signal);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

export async function collectPages<Item>(
  query: ListQuery<Item>,
  input: Record<string, unknown> = {},
  { max = Number.POSITIVE_INFINITY, ...options }: ToArrayOptions = {},
): Promise<Item[]> {
  if (!(max >= 0)) throw new RangeError(`toArray's max must be 0 or more, not ${max}`);
  const items: Item[] = [];
  if (max === 0) return items;
  for await (const item of iteratePages(query, input, options)) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}
