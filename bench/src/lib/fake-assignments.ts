import { uuidv7 } from '@takst/api';
import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES } from '@takst/contract/enums';

export const REFERENCE_YEAR = 2026;

/** Column order of every generated row; matches the `assignments` table. */
export const ASSIGNMENT_COLUMNS = [
  'id',
  'reference',
  'type',
  'status',
  'version',
  'property_street',
  'property_postal_code',
  'property_city',
  'cadastre_municipality',
  'cadastre_gnr',
  'cadastre_bnr',
  'cadastre_fnr',
  'cadastre_snr',
  'client_name',
  'client_email',
  'client_phone',
  'client_organization_number',
  'due_date',
  'notes',
  'created_at',
  'updated_at',
] as const;

export type AssignmentRow = (string | number | Date | null)[];

interface Place {
  city: string;
  municipality: string;
  postalFrom: number;
  postalTo: number;
}

const PLACES: readonly Place[] = [
  { city: 'Oslo', municipality: '0301', postalFrom: 150, postalTo: 1295 },
  { city: 'Bergen', municipality: '4601', postalFrom: 5003, postalTo: 5268 },
  { city: 'Trondheim', municipality: '5001', postalFrom: 7010, postalTo: 7099 },
  { city: 'Stavanger', municipality: '1103', postalFrom: 4005, postalTo: 4099 },
  { city: 'Sandnes', municipality: '1108', postalFrom: 4306, postalTo: 4329 },
  { city: 'Kristiansand', municipality: '4204', postalFrom: 4608, postalTo: 4639 },
  { city: 'Drammen', municipality: '3301', postalFrom: 3011, postalTo: 3048 },
  { city: 'Fredrikstad', municipality: '3107', postalFrom: 1601, postalTo: 1639 },
  { city: 'Sandvika', municipality: '3201', postalFrom: 1300, postalTo: 1369 },
  { city: 'Tønsberg', municipality: '3905', postalFrom: 3103, postalTo: 3128 },
  { city: 'Hamar', municipality: '3403', postalFrom: 2315, postalTo: 2322 },
  { city: 'Lillehammer', municipality: '3405', postalFrom: 2609, postalTo: 2619 },
  { city: 'Ålesund', municipality: '1508', postalFrom: 6002, postalTo: 6018 },
  { city: 'Bodø', municipality: '1804', postalFrom: 8005, postalTo: 8050 },
  { city: 'Tromsø', municipality: '5501', postalFrom: 9006, postalTo: 9020 },
];

const STREETS = [
  'Storgata',
  'Kirkeveien',
  'Bygdøy allé',
  'Markveien',
  'Thereses gate',
  'Kongens gate',
  'Dronningens gate',
  'Løkkeveien',
  'Fjellveien',
  'Skogveien',
  'Strandveien',
  'Elvegata',
  'Solbakken',
  'Bjørkeveien',
  'Granveien',
  'Furulundveien',
  'Haugeveien',
  'Åsveien',
  'Møllegata',
  'Sjøgata',
  'Prestegårdsveien',
  'Nedre Slottsgate',
  'Øvre Bakklandet',
  'Lyngveien',
];

const FIRST_NAMES = ['Kari', 'Ola', 'Ingrid', 'Lars', 'Sigrid', 'Magnus', 'Nora', 'Henrik', 'Ragnhild', 'Øystein'];
const LAST_NAMES = ['Nordmann', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Berg', 'Haugen', 'Bakke', 'Solberg', 'Dahl'];
const COMPANY_WORDS = ['Fjord', 'Nordbygg', 'Vestland', 'Bolig', 'Eiendom', 'Tun', 'Havn', 'Fjell'];
const COMPANY_SUFFIXES = ['Eiendom AS', 'Bolig AS', 'Utvikling AS', 'Forvaltning AS', 'Bygg AS'];
const NOTES = [
  'Nøkkel hos nabo i første etasje.',
  'Ring kunden en time før befaring.',
  'Hund i huset; kunden er hjemme.',
  'Adkomst via bakgården.',
  'Kunden ønsker rapporten på e-post.',
  'Fuktskade i kjeller meldt av kjøper.',
  'Boden er låst; kode 2413.',
];

const DAY_MS = 86_400_000;

/** Seeded (mulberry32), so every run builds the same data apart from the ids. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** 9 digits whose last is the mod-11 check digit of the first 8. */
function organizationNumber(random: () => number): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const digits = [between(random, 8, 9), ...Array.from({ length: 7 }, () => between(random, 0, 9))];
    const remainder = digits.reduce((sum, digit, i) => sum + digit * (weights[i] ?? 0), 0) % 11;
    const check = remainder === 0 ? 0 : 11 - remainder;
    if (check !== 10) return [...digits, check].join('');
  }
}

function client(random: () => number) {
  const phone = `+47 ${between(random, 40, 99)} ${between(random, 10, 99)} ${between(random, 100, 999)}`;
  if (random() < 0.25) {
    const name = `${pick(random, COMPANY_WORDS)} ${pick(random, COMPANY_SUFFIXES)}`;
    return {
      name,
      email: `post@${name.split(' ')[0]?.toLowerCase()}.no`,
      phone,
      organizationNumber: organizationNumber(random),
    };
  }
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const email = random() < 0.8 ? `${first}.${last}${between(random, 1, 999)}@example.no`.toLowerCase() : null;
  return { name: `${first} ${last}`, email, phone: random() < 0.9 ? phone : null, organizationNumber: null };
}

function cadastre(random: () => number, place: Place): (string | number | null)[] {
  if (random() < 0.15) return [null, null, null, null, null];
  const section = random() < 0.2 ? between(random, 1, 40) : 0;
  return [place.municipality, between(random, 1, 300), between(random, 1, 2_000), 0, section];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** One row in ASSIGNMENT_COLUMNS order. Rows must come in created order so ids sort like created_at. */
export function fakeAssignment(random: () => number, sequence: number, createdAtMs: number): AssignmentRow {
  const place = pick(random, PLACES);
  const who = client(random);
  const createdAt = new Date(createdAtMs);
  const street = `${pick(random, STREETS)} ${between(random, 1, 140)}${random() < 0.2 ? pick(random, ['A', 'B', 'C']) : ''}`;
  return [
    uuidv7(createdAtMs),
    `${REFERENCE_YEAR}-${String(sequence).padStart(6, '0')}`,
    pick(random, ASSIGNMENT_TYPES),
    pick(random, ASSIGNMENT_STATUSES),
    1,
    street,
    String(between(random, place.postalFrom, place.postalTo)).padStart(4, '0'),
    place.city,
    ...cadastre(random, place),
    who.name,
    who.email,
    who.phone,
    who.organizationNumber,
    random() < 0.7 ? isoDate(createdAtMs + between(random, 7, 60) * DAY_MS) : null,
    random() < 0.3 ? pick(random, NOTES) : null,
    createdAt,
    createdAt,
  ];
}

/** `count` millisecond timestamps spread over the year before `now`, oldest first. */
export function createdTimestamps(random: () => number, count: number, now: number): Float64Array {
  const start = now - 365 * DAY_MS;
  const stamps = new Float64Array(count);
  for (let i = 0; i < count; i += 1) stamps[i] = start + Math.floor(random() * 365 * DAY_MS);
  return stamps.sort();
}
