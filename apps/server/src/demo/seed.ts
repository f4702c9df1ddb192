import type { AppRouter } from '@takst/api';
import {
  createApiClient,
  createCaller,
  createRootContext,
  type Logger,
  type Platform,
  setPasswordWithToken,
} from '@takst/api';
import {
  ASSIGNMENT_TYPES,
  type AssignmentStatus,
  type AssignmentType,
  REPORT_KIND_BY_TYPE,
  REQUIRED_CERTIFICATION,
} from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { ApiClientEntity, AssignmentEntity } from '@takst/db';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { Config } from '../config';
import {
  APPRAISERS,
  CONDITION_ITEMS,
  FIRST_NAMES,
  LAST_NAMES,
  ORGANISATIONS,
  organisationNumber,
  PLACES,
  seededRandom,
} from './data';

type Inputs = inferRouterInputs<AppRouter>;
type Assignment = inferRouterOutputs<AppRouter>['assignments']['get'];
type Appraiser = inferRouterOutputs<AppRouter>['appraisers']['get'];
type Caller = ReturnType<typeof createCaller>;

/** How many assignments end in each status; together every status of the lifecycle. */
const PLAN: [AssignmentStatus, number][] = [
  ['received', 6],
  ['confirmed', 5],
  ['inspection_booked', 6],
  ['inspected', 4],
  ['drafting', 5],
  ['in_review', 4],
  ['delivered', 5],
  ['invoiced', 4],
  ['closed', 8],
  ['on_hold', 4],
  ['cancelled', 4],
];

const ROAD: AssignmentStatus[] = [
  'confirmed',
  'inspection_booked',
  'inspected',
  'drafting',
  'in_review',
  'delivered',
  'invoiced',
  'closed',
];
const DAY = 86_400_000;

class DemoBuilder {
  readonly #random = seededRandom(20261127);
  readonly #slots = new Map<string, number>();
  appraisers: Appraiser[] = [];

  constructor(private readonly caller: Caller) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  async createAppraisers() {
    for (const [i, a] of APPRAISERS.entries()) {
      const slug = a.name.toLowerCase().replace(/[^a-z]+/g, '.');
      this.appraisers.push(
        await this.caller.appraisers.create({
          name: a.name,
          email: `${slug}@takst.example.no`,
          phone: `+47 9${String(1000000 + i * 7919).slice(0, 7)}`,
          certifications: a.areas.map((area) => ({ area, validFrom: '2018-01-01', validTo: null })),
        }),
      );
    }
  }

  property(index: number): Inputs['assignments']['create']['property'] {
    const place = this.pick(PLACES);
    const street = `${this.pick(place.streets)} ${1 + Math.floor(this.#random() * 80)}`;
    const address = { street, postalCode: this.pick(place.postalCodes), city: place.city };
    // Every fifth home is a cooperative share (borettslag) rather than a cadastre unit.
    if (index % 5 === 4) {
      return {
        address: { ...address, unitNumber: `H0${1 + (index % 4)}0${1 + (index % 3)}` },
        share: { organizationNumber: organisationNumber(3000 + index), shareNumber: String(10 + index) },
        buildingYear: 1960 + (index % 60),
        buildingType: 'Leilighet',
      };
    }
    return {
      address,
      cadastre: {
        municipality: place.municipality,
        gnr: 1 + Math.floor(this.#random() * 300),
        bnr: 1 + Math.floor(this.#random() * 900),
      },
      buildingYear: 1900 + Math.floor(this.#random() * 124),
      buildingType: this.pick(['Enebolig', 'Rekkehus', 'Tomannsbolig', 'Fritidsbolig']),
    };
  }

  person() {
    const first = this.pick(FIRST_NAMES);
    const last = this.pick(LAST_NAMES);
    return {
      kind: 'person' as const,
      name: `${first} ${last}`,
      email: `${first}.${last}@example.no`.toLowerCase().replace(/ø/g, 'o').replace(/å/g, 'a').replace(/æ/g, 'ae'),
      phone: `+47 4${Math.floor(1000000 + this.#random() * 8999999)}`,
    };
  }

  organisation(kind: (typeof ORGANISATIONS)[number]['kind']) {
    const index = ORGANISATIONS.findIndex((o) => o.kind === kind);
    const org = ORGANISATIONS[index] ?? ORGANISATIONS[0];
    return { kind: 'organization' as const, name: org.name, organizationNumber: organisationNumber(1000 + index * 97) };
  }

  appraiserFor(type: AssignmentType, not?: string): Appraiser {
    const area = REQUIRED_CERTIFICATION[type];
    const able = this.appraisers.filter(
      (a) => a.id !== not && (area === null || a.certifications.some((c) => c.area === area)),
    );
    return this.pick(able.length > 0 ? able : this.appraisers);
  }

  /** The next free two-hour slot of an appraiser, counted from `fromDay` days from now. */
  slot(appraiserId: string, fromDay: number) {
    const taken = this.#slots.get(appraiserId) ?? 0;
    this.#slots.set(appraiserId, taken + 1);
    const day = new Date(Date.now() + (fromDay + taken) * DAY);
    day.setUTCHours(8 + (taken % 3) * 2, 0, 0, 0);
    return { startsAt: day.toISOString(), endsAt: new Date(day.getTime() + 2 * 3_600_000).toISOString() };
  }

  reportContent(type: AssignmentType): Inputs['reports']['createDraft']['content'] {
    const kind = REPORT_KIND_BY_TYPE[type];
    const areas = [
      {
        standard: 'NS3940:2023' as const,
        kind: 'BRA-i' as const,
        squareMeters: 60 + Math.round(this.#random() * 900) / 10,
      },
      { standard: 'NS3940:2023' as const, kind: 'BRA-e' as const, squareMeters: Math.round(this.#random() * 150) / 10 },
    ];
    if (kind === 'valuation') {
      const market = (3_000_000 + Math.floor(this.#random() * 9_000_000)) * 100;
      return { kind, values: { marketValue: market, loanValue: Math.round(market * 0.85) }, areas };
    }
    if (kind === 'energy')
      return {
        kind,
        energyGrade: this.pick(['B', 'C', 'D', 'E', 'F']),
        heatingGrade: this.pick(['red', 'orange', 'yellow']),
      };
    if (kind === 'area') return { kind, areas };
    const items = CONDITION_ITEMS.filter(() => this.#random() < 0.7).map((item) => ({ ...item }));
    return { kind, standardVersion: 'NS3600:2018', items };
  }
}

async function drive(builder: DemoBuilder, caller: Caller, index: number, target: AssignmentStatus) {
  const type = ASSIGNMENT_TYPES[index % ASSIGNMENT_TYPES.length] as AssignmentType;
  const bankFinanced = type === 'valuation' || type === 'pre_completion_valuation';
  let a: Assignment = await caller.assignments.create({
    type,
    property: builder.property(index),
    client: index % 3 === 0 ? builder.organisation('developer') : builder.person(),
    ...(bankFinanced ? { payer: builder.organisation(index % 2 ? 'bank' : 'developer') } : {}),
    ...(index % 4 === 1 ? { broker: builder.organisation('broker') } : {}),
    dueDate: new Date(Date.now() + (index - 20) * 2 * DAY).toISOString().slice(0, 10),
    notes: index % 3 === 1 ? 'Nøkkel hos nabo i nr. 3.' : undefined,
  });
  const move = async (to: AssignmentStatus, reason?: string) => {
    a = await caller.assignments.transition({ id: a.id, to, reason, expectedVersion: a.version });
  };
  // on_hold and cancelled stop somewhere along the road; the rest go as far as they are planned.
  const stopAt = target === 'on_hold' || target === 'cancelled' ? ROAD[index % 5] : target;
  const goal = stopAt === 'received' ? -1 : ROAD.indexOf(stopAt as AssignmentStatus);
  const appraiser = builder.appraiserFor(type);
  if (goal >= 0) {
    a = await caller.assignments.assign({ id: a.id, appraiserId: appraiser.id, expectedVersion: a.version });
    await move('confirmed', 'Bekreftet av kunden på telefon');
  }
  let reportId: string | undefined;
  let reportVersion = 1;
  if (goal >= 1) {
    const past = goal >= 2;
    const booking = await caller.inspections.book({
      assignmentId: a.id,
      appraiserId: appraiser.id,
      ...builder.slot(appraiser.id, past ? -40 : 3),
      sourceSystem: 'booking',
      externalId: `BK-${10000 + index}`,
    });
    a = await caller.assignments.get({ id: a.id });
    if (past) {
      await caller.inspections.complete({ id: booking.id, expectedVersion: booking.version });
      a = await caller.assignments.get({ id: a.id });
    }
  }
  if (goal >= 3) {
    await move('drafting');
    const draft = await caller.reports.createDraft({
      assignmentId: a.id,
      authorId: appraiser.id,
      content: builder.reportContent(type),
    });
    reportId = draft.id;
    reportVersion = draft.version;
  }
  if (goal >= 4 && reportId) {
    const submitted = await caller.reports.submit({ id: reportId, expectedVersion: reportVersion });
    await move('in_review');
    reportVersion = submitted.version;
  }
  if (goal >= 5 && reportId) {
    const reviewer = builder.appraiserFor(type, appraiser.id);
    await caller.reports.approve({ id: reportId, reviewerId: reviewer.id, expectedVersion: reportVersion });
    await move('delivered', 'Rapport sendt kunden');
  }
  if (goal >= 6) await move('invoiced', 'Faktura sendt fra regnskap');
  if (goal >= 7) await move('closed');
  if (target === 'on_hold') await move('on_hold', 'Kunden venter på lånetilsagn');
  if (target === 'cancelled') await move('cancelled', 'Kunden trakk bestillingen');
  if (index % 2 === 0) {
    await caller.notes.add({
      assignmentId: a.id,
      author: 'Kundeservice',
      sourceSystem: 'support',
      text: 'Kunden ringte og spurte om status.',
    });
  }
}

/**
 * The password of every demo user. It exists only in demo data (a database filled by `--demo`),
 * is printed when the demo data is made, and is not a secret: never use demo data for real work.
 */
export const DEMO_PASSWORD = 'takst-demo-2026';

export interface DemoUser {
  email: string;
  name: string;
  roles: string[];
}

/** The open assignments' appraisers, busiest first: the demo appraiser gets work to do. */
async function busiestAppraisers(em: EntityManager): Promise<string[]> {
  const rows = await em.getConnection().execute<{ appraiserId: string }[]>(
    `select appraiser_id as "appraiserId" from assignments
     where appraiser_id is not null and status in ('confirmed', 'inspection_booked', 'inspected', 'drafting', 'in_review')
     group by appraiser_id order by count(*) desc, appraiser_id`,
  );
  return rows.map((row) => row.appraiserId);
}

/**
 * A person for every role, each with the demo password: an appraiser linked to the busiest
 * appraiser record, a reviewer (fagansvarlig) linked to another one, support and an admin.
 */
async function createDemoUsers(caller: Caller, em: EntityManager, appraisers: Appraiser[]): Promise<DemoUser[]> {
  const [busiest, other] = await busiestAppraisers(em);
  const nameOf = (id: string | undefined) => appraisers.find((a) => a.id === id)?.name ?? 'Demo';
  const people: Inputs['users']['create'][] = [
    {
      email: 'takstmann@takst.example.no',
      name: nameOf(busiest),
      roles: ['appraiser'],
      ...(busiest ? { appraiserId: busiest } : {}),
    },
    {
      email: 'fagansvarlig@takst.example.no',
      name: nameOf(other),
      roles: ['reviewer'],
      ...(other ? { appraiserId: other } : {}),
    },
    { email: 'kundestotte@takst.example.no', name: 'Nora Lie', roles: ['support'] },
    { email: 'admin@takst.example.no', name: 'Ole Hansen', roles: ['admin'] },
  ];
  const users: DemoUser[] = [];
  for (const person of people) {
    const invited = await caller.users.create(person);
    await setPasswordWithToken(em.fork(), invited.setPasswordToken, DEMO_PASSWORD);
    users.push({ email: person.email, name: person.name, roles: [...person.roles] });
  }
  return users;
}

/** The lines `--demo` prints: who can sign in, and with which password. */
export function demoUsersNotice(users: readonly DemoUser[]): (serverUrl: string) => string {
  return (serverUrl) =>
    [
      '',
      `  Demo users, each with the password ${DEMO_PASSWORD} (demo data only):`,
      '',
      ...users.map((user) => `    ${user.email.padEnd(32)} ${user.roles.join(', ').padEnd(10)} ${user.name}`),
      '',
      `  Sign in at ${serverUrl}/ or with POST ${serverUrl}/auth/sign-in.`,
      '',
    ].join('\n');
}

/**
 * Fills an empty database with a small, realistic Norwegian data set through the API itself
 * (so every row has its audit entries and status history): appraisers with certifications,
 * properties and parties, and assignments in every status with inspections, reports and notes.
 * Does nothing when any assignment exists.
 */
export async function seedDemoData(
  platform: Platform,
  logger: Logger,
): Promise<{ seeded: boolean; assignments: number; users: DemoUser[] }> {
  const em = platform.orm.em.fork();
  if ((await em.count(AssignmentEntity, {})) > 0) return { seeded: false, assignments: 0, users: [] };
  const started = Date.now();
  // A client of its own, revoked when done: its key is never shown and never needed again.
  const { client, apiKey } = await createApiClient(em, { name: 'demo-data', scopes: ['admin'] });
  const caller = createCaller(
    createRootContext(platform, { requestId: `demo-data-${started}`, authorization: `Bearer ${apiKey}` }),
  );
  try {
    const builder = new DemoBuilder(caller);
    await builder.createAppraisers();
    let index = 0;
    for (const [target, count] of PLAN) {
      for (let i = 0; i < count; i++) await drive(builder, caller, index++, target);
    }
    const users = await createDemoUsers(caller, em, builder.appraisers);
    logger.info({ assignments: index, users: users.length, ms: Date.now() - started }, 'demo data created');
    return { seeded: true, assignments: index, users };
  } finally {
    await em.nativeUpdate(ApiClientEntity, { id: client.id }, { revokedAt: new Date() });
    platform.apiKeys.forget(client.id);
  }
}

/** Says on stderr, and in the log, that demo data was not added, and how to get a fresh demo. */
export function reportDemoNotAdded(logger: Logger, config: Pick<Config, 'DATABASE_URL'>): void {
  const fresh = config.DATABASE_URL
    ? 'point DATABASE_URL at an empty database.'
    : 'use another data folder: TAKST_DATA_DIR=.data/demo npm start -- --demo';
  logger.warn({}, 'demo data not added: the database already holds assignments');
  process.stderr.write(
    `Demo data was not added: the database already holds assignments, and demo data is only added to an empty one. For a fresh demo, ${fresh}\n`,
  );
}
