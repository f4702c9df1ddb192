import { listAssignmentsInput } from '@takst/contract';
import type pg from 'pg';
// Not exported by @takst/api: the bench explains exactly the statements the server runs.
import { listAssignmentRows } from '../../../packages/api/src/assignments/read-model';
import type { Cell } from './list-cells';
import { PAGE_SIZE } from './list-cells';

interface Statement {
  sql: string;
  params: unknown[];
  rows: unknown[];
}

type EntityManagerLike = Parameters<typeof listAssignmentRows>[0];

/** knex-style `?` placeholders to PostgreSQL's `$n` (the read model's SQL has no other `?`). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Runs the read model against `client` through a stand-in for MikroORM's EntityManager that
 * records every statement it executes.
 */
async function recordStatements(client: pg.Client, cell: Cell): Promise<Statement[]> {
  const statements: Statement[] = [];
  const connection = {
    execute: async (sql: string, params: unknown[] = []) => {
      const { rows } = await client.query(numbered(sql), params);
      statements.push({ sql, params, rows });
      return rows;
    },
  };
  const em = { getConnection: () => connection, getTransactionContext: () => undefined };
  const input = listAssignmentsInput.parse({
    ...cell.shape.filters,
    sort: cell.sort,
    limit: PAGE_SIZE,
    cursor: cell.cursor,
  });
  await listAssignmentRows(em as unknown as EntityManagerLike, input);
  return statements;
}

export interface Explained {
  cell: Cell;
  /** Per statement: the plan's first lines, planning and execution time. */
  plans: string[][];
}

const PLAN_LINES = 60;

/** The read model's own EXPLAIN (an estimate it bases its plan shape on) is summarised, not explained again. */
function estimateSummary(statement: Statement): string[] {
  const row = statement.rows[0] as { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] } | undefined;
  const rows = row?.['QUERY PLAN'][0].Plan['Plan Rows'];
  return [`an estimate the read model asked for: the planner expects ${rows ?? '?'} rows`];
}

async function explain(client: pg.Client, statement: Statement): Promise<string[]> {
  if (/^\s*explain/i.test(statement.sql)) return estimateSummary(statement);
  const result = await client.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers) ${numbered(statement.sql)}`,
    statement.params,
  );
  const lines = result.rows.map((row) => row['QUERY PLAN']);
  const timings = lines.filter((line) => /^(Planning|Execution) Time/.test(line));
  const plan = lines.filter(
    (line) => !timings.includes(line) && !/^Planning:|^ {2}Buffers: shared hit=\d+$/.test(line),
  );
  const shown = plan.slice(0, PLAN_LINES);
  if (plan.length > PLAN_LINES) shown.push(`  … ${plan.length - PLAN_LINES} more lines`);
  return [...timings, ...shown];
}

export async function explainCell(client: pg.Client, cell: Cell): Promise<Explained> {
  const plans: string[][] = [];
  try {
    for (const statement of await recordStatements(client, cell)) plans.push(await explain(client, statement));
  } catch (error) {
    plans.push([`could not explain: ${(error as Error).message}`]);
  }
  return { cell, plans };
}
