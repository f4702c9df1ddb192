import type { ExportFilters } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import {
  ASSIGNMENT_RELATIONS,
  chooseExportStrategy,
  type ExportStrategy,
  exportPageIdsQuery,
} from '../assignments/read-model';
import { ISO_MS, selectRows } from '../lib/read-model';
import { assignmentDtoSql } from './dto-sql';
import { continuationOf, type ExportPosition } from './export';

/** One batch of an NDJSON export: its lines (each ending in a newline), how many, and the last one's position. */
export interface NdjsonBatch {
  text: string;
  count: number;
  last: ExportPosition | null;
}

// PostgreSQL writes each line and joins a batch into one text, so Node only passes text along.
const linesOf = (ids: string) => `
  select string_agg(line.json, E'\\n' order by line.updated_at, line.id) || E'\\n' as text, count(*)::int as count,
    (array_agg(to_char(line.updated_at at time zone 'UTC', ${ISO_MS}) order by line.updated_at desc, line.id desc))[1]
      as "lastAt",
    (array_agg(line.id order by line.updated_at desc, line.id desc))[1] as "lastId"
  from (
    select a.id, a.updated_at, ${assignmentDtoSql('json_build_object')}::text as json
    from (${ids}) page join assignments a on a.id = page.id ${ASSIGNMENT_RELATIONS}
  ) line`;

/**
 * Reads an export as NDJSON, a batch at a time in change order (updated_at, id), each line one
 * assignment DTO as `assignments.export` gives it. Each batch is a query of its own (no
 * transaction is held open for the length of the stream), resuming after the last line read.
 */
export class NdjsonExport {
  readonly #em: EntityManager;
  readonly #filters: ExportFilters;
  readonly #strategy: ExportStrategy;
  #after: ExportPosition | undefined;

  private constructor(em: EntityManager, filters: ExportFilters, strategy: ExportStrategy, after?: ExportPosition) {
    this.#em = em;
    this.#filters = filters;
    this.#strategy = strategy;
    this.#after = after;
  }

  /** An export of the assignments matching `filters`, after `after` when resuming. */
  static async open(em: EntityManager, filters: ExportFilters, after?: ExportPosition): Promise<NdjsonExport> {
    return new NdjsonExport(em, filters, await chooseExportStrategy(em, filters), after);
  }

  /** The next `limit` lines, or an empty batch at the end. */
  async next(limit: number): Promise<NdjsonBatch> {
    const page = exportPageIdsQuery(this.#filters, this.#strategy, this.#after, limit);
    const [row] = await selectRows<{
      text: string | null;
      count: number;
      lastAt: string | null;
      lastId: string | null;
    }>(this.#em, linesOf(page.sql), page.params);
    if (!row?.text || !row.lastAt || !row.lastId) return { text: '', count: 0, last: null };
    this.#after = { at: row.lastAt, id: row.lastId };
    return { text: row.text, count: row.count, last: this.#after };
  }

  /** Where the export stands: the continuation of its last line, or null before the first. */
  get continuation(): string | null {
    return this.#after ? continuationOf(this.#after) : null;
  }
}
