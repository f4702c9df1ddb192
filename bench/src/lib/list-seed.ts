/**
 * Seeds the list benchmark's database inside PostgreSQL: every row comes from `generate_series`
 * and a hash of its number (`pg_temp.rnd`), so a million assignments take seconds, not minutes,
 * and every run builds the same data apart from the timestamps (and the ids, which begin with them).
 */
import type pg from 'pg';
import { withClient } from './database';
import {
  AGENT_BRANDS,
  BANK_KINDS,
  BANK_REGIONS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  MUNICIPALITIES,
  NOTES,
  RARE_LAST_NAMES,
  RARE_STREETS,
  STREETS,
} from './norway';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const ASSIGNMENT_SPAN_MS = 3 * YEAR_MS + DAY_MS;
const MUNICIPALITY_SLOTS = 1_000;
/** Bump when the generator changes, so an older seed is replaced. */
const GENERATOR_VERSION = 2;

export interface SeedPlan {
  assignments: number;
  properties: number;
  parties: number;
  /** Parties 1…bigClients are the lenders (first half) and estate agents (second half). */
  bigClients: number;
  appraisers: number;
  /** The newest assignment is created just before this instant. */
  nowMs: number;
}

export function seedPlan(assignments: number, nowMs: number): SeedPlan {
  const parties = Math.max(20, Math.round(assignments * 0.15));
  return {
    assignments,
    properties: Math.max(10, Math.round(assignments * 0.6)),
    parties,
    bigClients: 2 * Math.max(5, Math.round(parties / 1_000)),
    appraisers: Math.max(5, Math.round(assignments / 5_000)),
    nowMs: Math.floor(nowMs / 1_000) * 1_000,
  };
}

/** What `comment on table assignments` says once a seed has committed. */
export function seedMarker(rows: number): string {
  return `takst bench lists v${GENERATOR_VERSION}: ${rows} assignments`;
}

/** Collects bind values; each list goes in once as a text[] parameter. */
class Binds {
  readonly values: unknown[] = [];
  list(items: readonly string[]): string {
    this.values.push(items);
    return `$${this.values.length}::text[]`;
  }
}

/** `case when r < a then 'x' when r < a + b then 'y' … end` over weights that need not sum to 1. */
function weighted(random: string, options: readonly (readonly [string, number])[]): string {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let cumulative = 0;
  const branches = options.slice(0, -1).map(([value, weight]) => {
    cumulative += weight / total;
    return `when ${random} < ${cumulative.toFixed(6)} then '${value}'`;
  });
  return `case ${branches.join(' ')} else '${options.at(-1)?.[0]}' end`;
}

/** Picks from a text[] parameter; `skew` > 1 favours the first items. */
const pick = (list: string, random: string, skew = 1) =>
  `(${list})[1 + floor(${skew === 1 ? random : `power(${random}, ${skew})`} * cardinality(${list}))::int]`;

function entityTimes(plan: SeedPlan) {
  const assignmentStartMs = plan.nowMs - ASSIGNMENT_SPAN_MS;
  // Properties, parties and appraisers exist before the first assignment refers to them.
  const entityStartMs = assignmentStartMs - YEAR_MS;
  const step = (count: number) => Math.max(1, Math.floor(YEAR_MS / count));
  return { assignmentStartMs, entityStartMs, step };
}

const ID_SALTS = { assignment: 0, property: 4, party: 8, appraiser: 12 } as const;

function helperFunctions(plan: SeedPlan): string[] {
  const { entityStartMs, step } = entityTimes(plan);
  const idFunction = (name: 'property' | 'party' | 'appraiser', count: number) =>
    `create function pg_temp.${name}_id(n bigint) returns uuid language sql immutable as
     $$ select pg_temp.uuid7(${entityStartMs} + $1 * ${step(count)}, $1, ${ID_SALTS[name]}) $$`;
  return [
    // Uniform in [0, 1) from a row number and a salt; salts keep the tables' draws apart.
    `create function pg_temp.rnd(i bigint, salt int) returns float8 language sql immutable as
     $$ select (hashint8($1 * 64 + $2)::float8 + 2147483648) / 4294967296 $$`,
    // UUIDv7 as the API makes them: a millisecond timestamp first, so ids sort like creation times;
    // the random bits come from hashes of the row number (and a salt per table).
    `create function pg_temp.uuid7(ms bigint, n bigint, salt int) returns uuid language sql immutable as
     $$ select (lpad(to_hex($1), 12, '0') || '7' || lpad(to_hex(hashint8($2 * 16 + $3) & 4095), 3, '0') || '8'
          || lpad(to_hex(hashint8($2 * 16 + $3 + 1) & 268435455), 7, '0')
          || lpad(to_hex(hashint8($2 * 16 + $3 + 2)::bigint & 4294967295), 8, '0'))::uuid $$`,
    `create function pg_temp.at_ms(ms bigint) returns timestamptz language sql immutable as
     $$ select timestamptz 'epoch' + $1 * interval '1 millisecond' $$`,
    idFunction('property', plan.properties),
    idFunction('party', plan.parties),
    idFunction('appraiser', plan.appraisers),
    // Eight digits from `base` up, plus the mod-11 check digit; skips bases whose check digit would be 10.
    `create function pg_temp.orgnr(base bigint) returns text language plpgsql immutable as $$
     declare
       candidate bigint := base;
       d text;
       remainder int;
     begin
       loop
         d := lpad(candidate::text, 8, '0');
         remainder := (3 * substr(d, 1, 1)::int + 2 * substr(d, 2, 1)::int + 7 * substr(d, 3, 1)::int
           + 6 * substr(d, 4, 1)::int + 5 * substr(d, 5, 1)::int + 4 * substr(d, 6, 1)::int
           + 3 * substr(d, 7, 1)::int + 2 * substr(d, 8, 1)::int) % 11;
         if remainder <> 1 then
           return d || case when remainder = 0 then 0 else 11 - remainder end;
         end if;
         candidate := candidate + 1;
       end loop;
     end $$`,
    `create function pg_temp.phone(n bigint, salt int) returns text language sql immutable as
     $$ select '+47 ' || case when pg_temp.rnd($1, $2) < 0.6 then '9' else '4' end
          || lpad(floor(pg_temp.rnd($1, $2 + 1) * 100)::int::text, 2, '0') || ' '
          || lpad(floor(pg_temp.rnd($1, $2 + 2) * 100)::int::text, 2, '0') || ' '
          || lpad(floor(pg_temp.rnd($1, $2 + 3) * 1000)::int::text, 3, '0') $$`,
  ];
}

/** Municipalities and, for a weighted draw, 1,000 slots each naming one of them. */
async function createMunicipalityTables(client: pg.Client): Promise<void> {
  const total = MUNICIPALITIES.reduce((sum, m) => sum + m.weight, 0);
  const slots: number[] = [];
  for (let index = 0; index < MUNICIPALITIES.length; index += 1) {
    const end = Math.round((MUNICIPALITY_SLOTS * (total - remainingWeight(index + 1))) / total);
    while (slots.length < end) slots.push(index + 1);
  }
  await client.query(
    `create temp table seed_municipality on commit drop as
     select idx::int, code, city, postal_from, postal_to
     from unnest($1::text[], $2::text[], $3::int[], $4::int[]) with ordinality as m(code, city, postal_from, postal_to, idx)`,
    [
      MUNICIPALITIES.map((m) => m.code),
      MUNICIPALITIES.map((m) => m.city),
      MUNICIPALITIES.map((m) => m.postalFrom),
      MUNICIPALITIES.map((m) => m.postalTo),
    ],
  );
  await client.query(
    `create temp table seed_municipality_slot on commit drop as
     select slot::int, idx from unnest($1::int[]) with ordinality as s(idx, slot)`,
    [slots],
  );
}

function remainingWeight(from: number): number {
  return MUNICIPALITIES.slice(from).reduce((sum, m) => sum + m.weight, 0);
}

/** Joins a row numbered by `n` to a municipality drawn by weight (salt `salt`). */
const municipalityJoin = (n: string, salt: number) => `
  join seed_municipality_slot s on s.slot = 1 + floor(pg_temp.rnd(${n}, ${salt}) * ${MUNICIPALITY_SLOTS})::int
  join seed_municipality m on m.idx = s.idx`;

function streetExpression(binds: Binds, n: string, salt: number): string {
  const rare = pick(binds.list(RARE_STREETS), `pg_temp.rnd(${n}, ${salt + 1})`);
  const common = pick(binds.list(STREETS), `pg_temp.rnd(${n}, ${salt + 1})`, 1.7);
  return `case when pg_temp.rnd(${n}, ${salt}) < 0.002 then ${rare} else ${common} end
    || ' ' || (1 + floor(power(pg_temp.rnd(${n}, ${salt + 2}), 2) * 120))::int
    || case when pg_temp.rnd(${n}, ${salt + 3}) < 0.1 then chr(65 + floor(pg_temp.rnd(${n}, ${salt + 4}) * 3)::int) else '' end`;
}

const postalCode = (n: string, salt: number) =>
  `lpad((m.postal_from + floor(pg_temp.rnd(${n}, ${salt}) * (m.postal_to - m.postal_from + 1)))::int::text, 4, '0')`;

async function insertProperties(client: pg.Client, plan: SeedPlan): Promise<void> {
  const { entityStartMs, step } = entityTimes(plan);
  const binds = new Binds();
  const buildingType = weighted('pg_temp.rnd(n, 22)', [
    ['enebolig', 40],
    ['leilighet', 30],
    ['rekkehus', 12],
    ['tomannsbolig', 8],
    ['fritidsbolig', 6],
    ['næringsbygg', 4],
  ]);
  const unitNumber = `'H' || lpad((1 + floor(pg_temp.rnd(n, 23) * 6))::int::text, 2, '0')
    || lpad((1 + floor(pg_temp.rnd(n, 24) * 4))::int::text, 2, '0')`;
  await client.query(
    `insert into properties (id, municipality, gnr, bnr, fnr, snr, cadastre_id, cooperative_organization_number,
       share_number, street, postal_code, city, unit_number, building_year, building_type, version, created_at, updated_at)
     select pg_temp.property_id(n),
       case when kind = 'cadastre' then m.code end,
       case when kind = 'cadastre' then gnr end,
       case when kind = 'cadastre' then bnr end,
       case when kind = 'cadastre' then 0 end,
       case when kind = 'cadastre' then snr end,
       case when kind = 'cadastre' then m.code || '-' || gnr || '-' || bnr || '-0-' || snr end,
       case when kind = 'share' then pg_temp.orgnr(90000000 + floor(pg_temp.rnd(n, 25) * 4000)::int * 7) end,
       case when kind = 'share' then n::text end,
       ${streetExpression(binds, 'n', 30)},
       ${postalCode('n', 26)},
       m.city,
       case when building_type = 'leilighet' then ${unitNumber} end,
       1890 + floor(power(pg_temp.rnd(n, 27), 0.6) * 134)::int,
       building_type, 1, pg_temp.at_ms(ms), pg_temp.at_ms(ms)
     from (
       select n, ${entityStartMs} + n::bigint * ${step(plan.properties)} as ms,
         case when kind = 'share' then 'leilighet' else ${buildingType} end as building_type,
         kind,
         -- (gnr, bnr) follow from n, so cadastre ids are unique within every municipality.
         1 + n % 400 as gnr, 1 + n / 400 as bnr,
         case when kind = 'cadastre' and pg_temp.rnd(n, 22) between 0.4 and 0.7
           then 1 + floor(pg_temp.rnd(n, 28) * 30)::int else 0 end as snr
       from generate_series(1, ${plan.properties}) n,
         lateral (select case when pg_temp.rnd(n, 21) < 0.7 then 'cadastre'
                              when pg_temp.rnd(n, 21) < 0.85 then 'share' else 'address' end as kind) k
     ) g
     ${municipalityJoin('g.n', 20)}`,
    binds.values,
  );
}

function partyName(binds: Binds, plan: SeedPlan): string {
  const half = plan.bigClients / 2;
  const bank = `(${binds.list(BANK_REGIONS)})[1 + (k - 1) % ${BANK_REGIONS.length}] || ' '
    || (${binds.list(BANK_KINDS)})[1 + ((k - 1) / ${BANK_REGIONS.length}) % ${BANK_KINDS.length}]`;
  const cities = MUNICIPALITIES.map((m) => m.city);
  const agent = `(${binds.list(AGENT_BRANDS)})[1 + (k - 1) % ${AGENT_BRANDS.length}] || ' Eiendomsmegling '
    || (${binds.list(cities)})[1 + ((k - 1) / ${AGENT_BRANDS.length}) % ${cities.length}]`;
  const company = `${pick(binds.list(COMPANY_WORDS), 'pg_temp.rnd(k, 44)')} || ' '
    || ${pick(binds.list(COMPANY_SUFFIXES), 'pg_temp.rnd(k, 45)')}`;
  return `case when k <= ${half} then ${bank} when k <= ${plan.bigClients} then ${agent}
    when kind = 'organization' then ${company} else first_name || ' ' || last_name end`;
}

async function insertParties(client: pg.Client, plan: SeedPlan): Promise<void> {
  const { entityStartMs, step } = entityTimes(plan);
  const binds = new Binds();
  const name = partyName(binds, plan);
  const lastName = `case when pg_temp.rnd(k, 42) < 0.003 then ${pick(binds.list(RARE_LAST_NAMES), 'pg_temp.rnd(k, 43)')}
    else ${pick(binds.list(LAST_NAMES), 'pg_temp.rnd(k, 43)', 1.8)} end`;
  const ascii = (text: string) => `lower(translate(${text}, 'æøåÆØÅ ', 'aoaaoa.'))`;
  await client.query(
    `insert into parties (id, kind, name, email, phone, organization_number, street, postal_code, city, version,
       created_at, updated_at)
     select pg_temp.party_id(k), kind, name,
       case when kind = 'organization' then 'post@' || ${ascii("split_part(name, ' ', 1)")} || '.no'
            when pg_temp.rnd(k, 46) < 0.8 then ${ascii("first_name || '.' || last_name")} || (k % 100) || '@example.no' end,
       case when pg_temp.rnd(k, 47) < 0.9 then pg_temp.phone(k, 48) end,
       case when kind = 'organization' then pg_temp.orgnr(80000000 + ((k * 7919) % 2000000) * 7) end,
       case when with_address then ${streetExpression(binds, 'k', 32)} end,
       case when with_address then ${postalCode('k', 52)} end,
       case when with_address then m.city end,
       1, pg_temp.at_ms(ms), pg_temp.at_ms(ms)
     from (
       select k, ms, kind, first_name, last_name, with_address, ${name} as name
       from (
         select k, ${entityStartMs} + k::bigint * ${step(plan.parties)} as ms,
           case when k <= ${plan.bigClients} or pg_temp.rnd(k, 40) < 0.22 then 'organization' else 'person' end as kind,
           ${pick(binds.list(FIRST_NAMES), 'pg_temp.rnd(k, 41)')} as first_name,
           ${lastName} as last_name,
           pg_temp.rnd(k, 53) < 0.7 as with_address
         from generate_series(1, ${plan.parties}) k
       ) named
     ) g
     ${municipalityJoin('g.k', 54)}`,
    binds.values,
  );
}

async function insertAppraisers(client: pg.Client, plan: SeedPlan): Promise<void> {
  const { entityStartMs, step } = entityTimes(plan);
  const binds = new Binds();
  // Each area held with its own likelihood, valid from a day between 2010 and 2022.
  const certifications = `coalesce((
      select jsonb_agg(jsonb_build_object('area', area, 'validFrom',
          (date '2010-01-01' + floor(pg_temp.rnd(j * 8 + ord, 58) * 4400)::int)::text, 'validTo', null) order by ord)
      from unnest(array['condition', 'valuation', 'damage', 'energy', 'area_measurement'],
                  array[0.9, 0.75, 0.35, 0.3, 0.45]) with ordinality as c(area, share, ord)
      where pg_temp.rnd(j * 8 + ord, 57) < share), '[]')`;
  await client.query(
    `insert into appraisers (id, name, email, phone, active, certifications, version, created_at, updated_at)
     select pg_temp.appraiser_id(j), first_name || ' ' || last_name,
       lower(translate(first_name || '.' || last_name, 'æøåÆØÅ', 'aoaaoa')) || '@takst.example.no',
       pg_temp.phone(j, 59), pg_temp.rnd(j, 55) < 0.95, ${certifications}, 1, pg_temp.at_ms(ms), pg_temp.at_ms(ms)
     from (
       select j, ${entityStartMs} + j::bigint * ${step(plan.appraisers)} as ms,
         ${pick(binds.list(FIRST_NAMES), 'pg_temp.rnd(j, 56)')} as first_name,
         ${pick(binds.list(LAST_NAMES), 'pg_temp.rnd(j, 63)')} as last_name
       from generate_series(1, ${plan.appraisers}) j
     ) g`,
    binds.values,
  );
}

const TYPE_WEIGHTS = [
  ['condition_report', 30],
  ['valuation', 28],
  ['value_assessment', 12],
  ['damage_assessment', 6],
  ['complaint_report', 2],
  ['energy_certificate', 7],
  ['area_measurement', 6],
  ['pre_completion_valuation', 5],
  ['handover_inspection', 4],
] as const;

/** Old assignments are mostly done; the last three weeks are mostly in work. */
function statusExpression(): string {
  const random = 'pg_temp.rnd(i, 3)';
  const old = weighted(random, [
    ['closed', 62],
    ['invoiced', 18],
    ['delivered', 9.6],
    ['cancelled', 10],
    ['on_hold', 0.4],
  ]);
  const recent = weighted(random, [
    ['invoiced', 34],
    ['delivered', 28],
    ['closed', 18],
    ['in_review', 5],
    ['drafting', 4],
    ['inspected', 2],
    ['cancelled', 6],
    ['on_hold', 3],
  ]);
  const fresh = weighted(random, [
    ['received', 14],
    ['confirmed', 18],
    ['inspection_booked', 24],
    ['inspected', 12],
    ['drafting', 12],
    ['in_review', 7],
    ['delivered', 6],
    ['on_hold', 3],
    ['cancelled', 4],
  ]);
  return `case when age_days > 60 then ${old} when age_days > 21 then ${recent} else ${fresh} end`;
}

const STATUS_VERSION = `case status when 'received' then 1 when 'confirmed' then 2 when 'inspection_booked' then 3
  when 'inspected' then 4 when 'drafting' then 5 when 'in_review' then 6 when 'delivered' then 7 when 'invoiced' then 8
  when 'closed' then 9 when 'on_hold' then 4 else 3 end`;

/** Lenders and agents (parties 1…bigClients) hold ~45 % of the assignments, the biggest ~5 %. */
function clientNumber(plan: SeedPlan): string {
  return `case when pg_temp.rnd(i, 5) < 0.45
    then 1 + floor(power(pg_temp.rnd(i, 6), 2.5) * ${plan.bigClients})::int
    else ${plan.bigClients + 1} + floor(pg_temp.rnd(i, 6) * ${plan.parties - plan.bigClients})::int end`;
}

async function insertAssignments(client: pg.Client, plan: SeedPlan): Promise<void> {
  const { assignmentStartMs } = entityTimes(plan);
  const binds = new Binds();
  const half = plan.bigClients / 2;
  const msPerRow = ASSIGNMENT_SPAN_MS / plan.assignments;
  await client.query(
    `insert into assignments (id, reference, type, status, status_before_hold, version, property_id, client_id, payer_id,
       broker_id, appraiser_id, municipality, search_text, due_date, notes, created_at, updated_at)
     select pg_temp.uuid7(ms, i, ${ID_SALTS.assignment}), reference, type, status,
       case when status = 'on_hold'
         then (array['confirmed', 'inspection_booked', 'drafting'])[1 + floor(pg_temp.rnd(i, 7) * 3)::int] end,
       ${STATUS_VERSION} + floor(pg_temp.rnd(i, 8) * 2)::int,
       p.id, c.id,
       case when pg_temp.rnd(i, 9) < 0.85 then c.id
         else pg_temp.party_id(1 + floor(power(pg_temp.rnd(i, 10), 2) * ${half})::int) end,
       case when pg_temp.rnd(i, 11) < 0.35
         then pg_temp.party_id(${half + 1} + floor(power(pg_temp.rnd(i, 12), 1.5) * ${half})::int) end,
       case when (status = 'received' and pg_temp.rnd(i, 13) < 0.8) or (status = 'cancelled' and pg_temp.rnd(i, 13) < 0.4)
            or pg_temp.rnd(i, 13) > 0.985 then null
         else pg_temp.appraiser_id(1 + floor(power(pg_temp.rnd(i, 14), 1.2) * ${plan.appraisers})::int) end,
       -- What the trigger assignment_search_fields() writes; the seed checks it against the trigger.
       p.municipality, lower(concat_ws(' ', reference, p.street, p.postal_code, p.city, c.name)),
       case when pg_temp.rnd(i, 15) < 0.82
         then (pg_temp.at_ms(ms) at time zone 'UTC')::date + (7 + floor(pg_temp.rnd(i, 16) * 38))::int end,
       case when pg_temp.rnd(i, 17) < 0.18 then ${pick(binds.list(NOTES), 'pg_temp.rnd(i, 18)')} end,
       pg_temp.at_ms(ms),
       -- Finished work stopped changing within ten weeks; work in progress changed any time since.
       pg_temp.at_ms(ms + floor(pg_temp.rnd(i, 19) * least(${plan.nowMs} - ms,
         case when status in ('closed', 'invoiced', 'delivered', 'cancelled') then ${70 * DAY_MS} else ${plan.nowMs} end))::bigint)
     from (
       select i, ms, age_days, type, status, client_number,
         year || '-' || lpad((row_number() over (partition by year order by i))::text, 6, '0') as reference,
         1 + floor(pg_temp.rnd(i, 4) * ${plan.properties})::int as property_number
       from (
         select i, ms, (${plan.nowMs} - ms) / ${DAY_MS} as age_days,
           extract(year from pg_temp.at_ms(ms) at time zone 'UTC')::int as year,
           ${weighted('pg_temp.rnd(i, 2)', TYPE_WEIGHTS)} as type,
           ${clientNumber(plan)} as client_number
         from generate_series(1, ${plan.assignments}) i,
           lateral (select ${assignmentStartMs} + floor((i - 1 + pg_temp.rnd(i, 1)) * ${msPerRow})::bigint as ms) t
       ) timed,
       lateral (select ${statusExpression()} as status) s
     ) g
     join properties p on p.id = pg_temp.property_id(g.property_number)
     join parties c on c.id = pg_temp.party_id(g.client_number)`,
    binds.values,
  );
}

interface IndexDefinition {
  name: string;
  definition: string;
}

/** Indexes of the seeded tables that no constraint owns: dropped for the load, rebuilt after it. */
async function secondaryIndexes(client: pg.Client, tables: readonly string[]): Promise<IndexDefinition[]> {
  const result = await client.query<IndexDefinition>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class t on t.oid = i.indrelid
     where t.relname = any($1) and t.relnamespace = 'public'::regnamespace
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
     order by i.indexrelid`,
    [tables],
  );
  return result.rows;
}

const SEEDED_TABLES = ['appraisers', 'parties', 'properties', 'assignments'] as const;

/** Fails (and so rolls the seed back) unless every reference resolves and the trigger agrees. */
async function verifySeed(client: pg.Client): Promise<void> {
  const dangling = await client.query<{ count: string }>(
    `select count(*) from assignments a
     where not exists (select 1 from properties p where p.id = a.property_id)
        or not exists (select 1 from parties c where c.id = a.client_id)
        or not exists (select 1 from parties c where c.id = a.payer_id)
        or (a.broker_id is not null and not exists (select 1 from parties c where c.id = a.broker_id))
        or (a.appraiser_id is not null and not exists (select 1 from appraisers x where x.id = a.appraiser_id))`,
  );
  if (dangling.rows[0]?.count !== '0') throw new Error(`seed: ${dangling.rows[0]?.count} dangling references`);
  // Fire the real trigger on a sample and require that it changes nothing.
  await client.query('savepoint trigger_check');
  await client.query('set local session_replication_role = origin');
  await client.query(
    `create temp table seed_sample on commit drop as
     select id, municipality, search_text from assignments tablesample bernoulli (0.2) repeatable (1)`,
  );
  await client.query('update assignments a set property_id = a.property_id from seed_sample s where s.id = a.id');
  const differing = await client.query<{ count: string }>(
    `select count(*) from assignments a join seed_sample s using (id)
     where a.municipality is distinct from s.municipality or a.search_text <> s.search_text`,
  );
  await client.query('rollback to savepoint trigger_check');
  if (differing.rows[0]?.count !== '0') {
    throw new Error(`seed: the trigger disagrees with ${differing.rows[0]?.count} seeded search fields`);
  }
}

export interface SeedTimes {
  /** Seconds per step, in order: generating each table's rows, rebuilding indexes, checking. */
  steps: [string, number][];
}

/** Runs `work` as the named step, printing its start and recording how long it took. */
async function step<T>(times: SeedTimes, name: string, progress: (step: string) => void, work: () => Promise<T>) {
  progress(name);
  const started = performance.now();
  const result = await work();
  times.steps.push([name, (performance.now() - started) / 1_000]);
  return result;
}

/**
 * Replaces the seeded tables' contents in one transaction, so an interrupted seed leaves the
 * previous state. Foreign-key and search-field triggers are off during the load
 * (session_replication_role needs a superuser); verifySeed stands in for them.
 */
export async function seedListData(
  client: pg.Client,
  plan: SeedPlan,
  progress: (step: string) => void,
): Promise<SeedTimes> {
  const times: SeedTimes = { steps: [] };
  await client.query('begin');
  try {
    await client.query('set local session_replication_role = replica');
    await client.query(`set local maintenance_work_mem = '1GB'`);
    await client.query(`set local work_mem = '256MB'`);
    await client.query(`truncate ${SEEDED_TABLES.join(', ')}, reference_counters cascade`);
    const indexes = await secondaryIndexes(client, SEEDED_TABLES);
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    for (const statement of helperFunctions(plan)) await client.query(statement);
    await createMunicipalityTables(client);
    await step(times, 'appraisers', progress, () => insertAppraisers(client, plan));
    await step(times, 'parties', progress, () => insertParties(client, plan));
    await step(times, 'properties', progress, () => insertProperties(client, plan));
    await step(times, 'assignments', progress, () => insertAssignments(client, plan));
    await client.query(
      `insert into reference_counters (year, last_value)
       select split_part(reference, '-', 1)::int, count(*) from assignments group by 1`,
    );
    await step(times, `${indexes.length} indexes`, progress, async () => {
      for (const index of indexes) await client.query(index.definition);
    });
    await step(times, 'checks', progress, () => verifySeed(client));
    await client.query(`comment on table assignments is '${seedMarker(plan.assignments)}'`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  return times;
}

/** True when a committed seed of exactly `rows` assignments by this generator is in place. */
export async function isSeeded(client: pg.Client, rows: number): Promise<boolean> {
  const result = await client.query<{ marker: string | null }>(
    `select obj_description('assignments'::regclass, 'pg_class') as marker`,
  );
  return result.rows[0]?.marker === seedMarker(rows);
}

const secondsSince = (fromMs: number) => ((performance.now() - fromMs) / 1_000).toFixed(1);

/**
 * Seeds `rows` assignments into the (migrated) database unless this generator's seed of that
 * size is in place, then vacuums; says what it did. Shared by the list and console benchmarks.
 */
export async function ensureSeeded(databaseUrl: string, rows: number, force: boolean): Promise<string> {
  return withClient(databaseUrl, async (client) => {
    if (!force && (await isSeeded(client, rows))) {
      console.error(`already seeded with ${rows} assignments`);
      return 'seeded by an earlier run';
    }
    const started = performance.now();
    const times = await seedListData(client, seedPlan(rows, Date.now()), (step) =>
      console.error(`seeding: ${step} (${secondsSince(started)} s)`),
    );
    const vacuumStarted = performance.now();
    await client.query('vacuum (analyze) appraisers, parties, properties, assignments');
    times.steps.push(['vacuum and analyze', (performance.now() - vacuumStarted) / 1_000]);
    const steps = times.steps.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ');
    const summary = `seeded in ${secondsSince(started)} s (${steps})`;
    console.error(summary);
    return summary;
  });
}
