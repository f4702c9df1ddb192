import type pg from 'pg';
import { MUNICIPALITIES, RARE_LAST_NAMES } from './norway';

/** The filters of `assignments.list` (packages/contract/src/assignment.ts), as the SDK sends them. */
export interface ListFilters {
  status?: string[];
  type?: string[];
  appraiserId?: string;
  clientId?: string;
  municipality?: string;
  createdFrom?: string;
  createdTo?: string;
  dueBefore?: string;
  updatedSince?: string;
  q?: string;
}

export interface Shape {
  name: string;
  filters: ListFilters;
}

export const SORTS = ['createdAt', 'dueDate'] as const;
export type Sort = (typeof SORTS)[number];

const IN_WORK = ['received', 'confirmed', 'inspection_booked', 'inspected', 'drafting', 'in_review'];
const DAY_MS = 86_400_000;

/** Values taken from the seeded data, so the shapes hit what a user of this data would ask for. */
export interface DataFacts {
  /** The newest created_at: "today" for the data. */
  latestMs: number;
  busiestAppraiserId: string;
  biggestClient: { id: string; name: string };
  /** Most assignments first. */
  biggestMunicipality: { code: string; city: string };
  /** A reference from the middle of the data, e.g. 2025-001234. */
  middleReference: string;
}

async function one<T extends pg.QueryResultRow>(client: pg.Client, sql: string): Promise<T> {
  const row = (await client.query<T>(sql)).rows[0];
  if (!row) throw new Error(`no row from: ${sql}`);
  return row;
}

export async function discoverFacts(client: pg.Client): Promise<DataFacts> {
  const latest = await one<{ ms: string }>(
    client,
    'select (extract(epoch from max(created_at)) * 1000)::bigint as ms from assignments',
  );
  const appraiser = await one<{ id: string }>(
    client,
    `select appraiser_id::text as id from assignments where appraiser_id is not null
     group by appraiser_id order by count(*) desc, appraiser_id limit 1`,
  );
  const biggest = await one<{ id: string; name: string }>(
    client,
    `select c.id::text as id, c.name from parties c
     join (select client_id from assignments group by client_id order by count(*) desc, client_id limit 1) b
       on b.client_id = c.id`,
  );
  const municipality = await one<{ code: string }>(
    client,
    `select municipality as code from assignments where municipality is not null
     group by municipality order by count(*) desc limit 1`,
  );
  const middle = await one<{ reference: string }>(
    client,
    `select reference from assignments order by created_at
     offset (select count(*) / 2 from assignments) limit 1`,
  );
  const city = MUNICIPALITIES.find((m) => m.code === municipality.code)?.city ?? municipality.code;
  return {
    latestMs: Number(latest.ms),
    busiestAppraiserId: appraiser.id,
    biggestClient: biggest,
    biggestMunicipality: { code: municipality.code, city },
    middleReference: middle.reference,
  };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTimestamp = (ms: number) => new Date(ms).toISOString();

/** Every filter alone, and combinations a user would make. */
export function listShapes(facts: DataFacts): Shape[] {
  const today = facts.latestMs;
  const frequentWord = facts.biggestMunicipality.city.toLowerCase();
  const rareWord = (RARE_LAST_NAMES[0] ?? 'skjæveland').toLowerCase();
  const smallMunicipality = MUNICIPALITIES.at(-1)?.code ?? '4621';
  return [
    { name: 'no filter', filters: {} },
    { name: 'status: 6 in-work statuses', filters: { status: IN_WORK } },
    { name: 'status: delivered, invoiced', filters: { status: ['delivered', 'invoiced'] } },
    { name: 'type: valuation, value_assessment', filters: { type: ['valuation', 'value_assessment'] } },
    { name: 'type: complaint_report (rare)', filters: { type: ['complaint_report'] } },
    { name: 'appraiserId (busiest)', filters: { appraiserId: facts.busiestAppraiserId } },
    { name: 'clientId (biggest client)', filters: { clientId: facts.biggestClient.id } },
    {
      name: `municipality ${facts.biggestMunicipality.code} (biggest)`,
      filters: { municipality: facts.biggestMunicipality.code },
    },
    { name: `municipality ${smallMunicipality} (small)`, filters: { municipality: smallMunicipality } },
    {
      name: 'createdFrom/createdTo: one quarter, 1.5 years back',
      filters: { createdFrom: isoTimestamp(today - 548 * DAY_MS), createdTo: isoTimestamp(today - 457 * DAY_MS) },
    },
    { name: 'dueBefore: today + 14 days', filters: { dueBefore: isoDate(today + 14 * DAY_MS) } },
    { name: 'updatedSince: 7 days ago', filters: { updatedSince: isoTimestamp(today - 7 * DAY_MS) } },
    { name: `q "${frequentWord}" (frequent)`, filters: { q: frequentWord } },
    { name: `q "${rareWord}" (rare)`, filters: { q: rareWord } },
    { name: 'q reference prefix', filters: { q: facts.middleReference.slice(0, 9) } },
    { name: 'q exact reference', filters: { q: facts.middleReference } },
    { name: 'q client name (biggest client)', filters: { q: facts.biggestClient.name } },
    {
      name: 'status in work + appraiserId',
      filters: { status: IN_WORK, appraiserId: facts.busiestAppraiserId },
    },
    {
      name: `municipality ${facts.biggestMunicipality.code} + type: valuation, value_assessment`,
      filters: { municipality: facts.biggestMunicipality.code, type: ['valuation', 'value_assessment'] },
    },
    {
      name: 'clientId + dueBefore today + 14 days',
      filters: { clientId: facts.biggestClient.id, dueBefore: isoDate(today + 14 * DAY_MS) },
    },
    { name: 'q "bergen" + status in work', filters: { q: 'bergen', status: IN_WORK } },
  ];
}
