import { type RouterInputs, type RouterOutputs, type TakstClient, withIdempotencyKey } from '@takst/sdk';

/** The fields of an assignment, as `assignments.create` takes them. */
export type AssignmentInput = RouterInputs['assignments']['create'];

/** Which assignment an item means: a connected system's id for it, or the platform's reference. */
export type ItemKey = { externalRef: { system: string; externalId: string } } | { reference: string };

/**
 * One item of `assignments.bulkUpsert`, as packages/contract/src/bulk.ts (bulkUpsertItemSchema)
 * declares it; the procedure's input type leaves items `unknown`, as it checks each on its own.
 */
export interface BulkUpsertItem {
  key: ItemKey;
  assignment: AssignmentInput;
}

export type BulkUpsertOutput = RouterOutputs['assignments']['bulkUpsert'];
export type BulkUpsertResult = BulkUpsertOutput['results'][number];
export type ExportPage = RouterOutputs['assignments']['export'];
export type ExportFilters = Omit<RouterInputs['assignments']['export'], 'continuation' | 'limit'>;

/** The bulk procedures the CLI calls. */
export interface BulkApi {
  bulkUpsert(items: BulkUpsertItem[], idempotencyKey: string): Promise<BulkUpsertOutput>;
  exportPage(
    filters: ExportFilters,
    page: { continuation?: string | undefined; limit: number },
    signal?: AbortSignal,
  ): Promise<ExportPage>;
}

/** The bulk procedures of a client. */
export function bulkApiOf(client: TakstClient): BulkApi {
  return {
    bulkUpsert: (items, key) => client.assignments.bulkUpsert.mutate({ items }, withIdempotencyKey(key)),
    exportPage: (filters, page, signal) =>
      client.assignments.export.query(
        { ...filters, ...(page.continuation ? { continuation: page.continuation } : {}), limit: page.limit },
        signal ? { signal } : undefined,
      ),
  };
}
