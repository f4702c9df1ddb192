import { isTrackedEnvelope, type TrackedEnvelope, tracked } from '@trpc/server';
import { z } from 'zod';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The output parser of a subscription that yields `tracked()` items: each item is checked
 * against `item` as it goes out, as every other procedure's output is, and its type is what the
 * published router type shows.
 */
export function trackedStreamOf<Item extends z.ZodType>(item: Item) {
  return z
    .custom<AsyncIterable<TrackedEnvelope<z.input<Item>>>>(isAsyncIterable)
    .transform(async function* (source): AsyncGenerator<TrackedEnvelope<z.output<Item>>, void> {
      for await (const envelope of source) {
        if (!isTrackedEnvelope(envelope)) throw new Error('A tracked stream yielded an untracked item');
        yield tracked(envelope[0], await item.parseAsync(envelope[1]));
      }
    });
}
