import type { BulkApi, BulkUpsertItem, BulkUpsertOutput, BulkUpsertResult, ExportPage } from '../../src/bulk-api';
import { keyIdentity } from '../../src/import/validate';

/**
 * bulkUpsert as the contract describes it, in memory: items matched by key, created or updated
 * or unchanged, refused one by one; a key's answer replayed for the same input, refused for
 * other input. Client names starting with "REFUSE" are refused.
 */
export class FakePlatform implements BulkApi {
  readonly stored = new Map<string, BulkUpsertItem>();
  /** How often each item key was created: more than once would be a duplicate. */
  readonly creations = new Map<string, number>();
  readonly calls: string[] = [];
  readonly #answers = new Map<string, { input: string; output: BulkUpsertOutput }>();
  /** Runs before each call is answered; e.g. to interrupt halfway. */
  beforeAnswer: (call: number) => void | Promise<void> = () => undefined;
  /** Calls whose answer is lost on the way back, after the work is done: as a dropped connection. */
  loseAnswer: (call: number) => boolean = () => false;

  async bulkUpsert(items: BulkUpsertItem[], idempotencyKey: string): Promise<BulkUpsertOutput> {
    this.calls.push(idempotencyKey);
    await this.beforeAnswer(this.calls.length);
    const output = this.#answer(idempotencyKey, items);
    if (this.loseAnswer(this.calls.length)) throw lostAnswer();
    return output;
  }

  #answer(idempotencyKey: string, items: BulkUpsertItem[]): BulkUpsertOutput {
    const input = JSON.stringify(items);
    const earlier = this.#answers.get(idempotencyKey);
    if (earlier) {
      if (earlier.input !== input) throw new Error('IDEMPOTENCY_KEY_REUSED');
      return earlier.output;
    }
    const results = items.map((item, index) => this.#upsert(item, index));
    const counts = { created: 0, updated: 0, unchanged: 0, error: 0 };
    for (const result of results) counts[result.status]++;
    const output = { results, counts };
    this.#answers.set(idempotencyKey, { input, output });
    return output;
  }

  #upsert(item: BulkUpsertItem, index: number): BulkUpsertResult {
    if (item.assignment.client?.name.startsWith('REFUSE')) {
      return {
        index,
        status: 'error',
        error: {
          errorCode: 'VALIDATION_FAILED',
          message: 'Invalid input: assignment.client.name: refused by the fake',
          issues: [{ path: ['assignment', 'client', 'name'], message: 'refused by the fake', code: 'custom' }],
        },
      };
    }
    const identity = keyIdentity(item.key);
    const existing = this.stored.get(identity);
    this.stored.set(identity, item);
    if (!existing) {
      this.creations.set(identity, (this.creations.get(identity) ?? 0) + 1);
      return { index, status: 'created' };
    }
    return { index, status: JSON.stringify(existing) === JSON.stringify(item) ? 'unchanged' : 'updated' };
  }

  exportPage(): Promise<ExportPage> {
    throw new Error('not in this fake');
  }
}

/** What the SDK rejects with when a call got no answer: worth sending again under its key. */
function lostAnswer(): Error {
  const error = new Error('Could not reach the fake: socket hang up');
  error.name = 'TakstError';
  return error;
}

/** `count` CSV rows with the default columns, keyed crm/E-<n>. */
export function csvRows(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return `crm,E-${n},condition_report,Storgata ${n},0155,Oslo,0301,${n},1,Client ${n},client${n}@example.no`;
  });
}

export const CSV_HEADER =
  'external_system,external_id,type,street,postal_code,city,municipality,gnr,bnr,client_name,client_email';
