/**
 * Mutations of a valid input: wrong types, missing and extra fields, boundary numbers, odd and
 * huge strings, odd timestamps and dates, deep nesting, long arrays, nulls, ids of other rows or
 * of none; and of its JSON text: invalid JSON, number literals JSON.parse turns into Infinity,
 * duplicate keys, byte-order marks, bytes that are not UTF-8.
 */
import type { Random } from './fuzz-random';
import {
  ENTITY_KINDS,
  entityKindOf,
  type GenerateContext,
  type JsonSchema,
  validTimestamp,
  validValue,
} from './fuzz-schema';

type Path = (string | number)[];

interface Site {
  path: Path;
  schema: JsonSchema | undefined;
  /** The property (or the array's property) the value fills. */
  field: string;
  value: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The branch of a union the value was made from (the first one it could be), else the first. */
function branchOf(schema: JsonSchema | undefined, value: unknown): JsonSchema | undefined {
  const branches = schema?.anyOf ?? schema?.oneOf;
  if (!branches) return schema;
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  return (
    branches.find((branch) => {
      const kind = branch.properties?.kind?.const;
      if (kind !== undefined && isObject(value)) return value.kind === kind;
      const wanted = Array.isArray(branch.type) ? branch.type : branch.type ? [branch.type] : [];
      return wanted.some((t) => t === typeOf(value) || (t === 'integer' && typeof value === 'number'));
    }) ?? branches[0]
  );
}

/** Every value in the input, with the schema it was made for (as far as it can be told). */
function sitesOf(root: unknown, schema: JsonSchema | undefined): Site[] {
  const sites: Site[] = [];
  const walk = (value: unknown, s: JsonSchema | undefined, path: Path, field: string) => {
    const resolved = branchOf(s, value);
    sites.push({ path, schema: resolved, field, value });
    if (Array.isArray(value)) {
      value.slice(0, 50).forEach((item, i) => {
        walk(item, resolved?.items, [...path, i], field);
      });
    } else if (isObject(value)) {
      for (const [name, child] of Object.entries(value))
        walk(child, resolved?.properties?.[name], [...path, name], name);
    }
  };
  walk(root, schema, [], '');
  return sites;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** `root` with the value at `path` replaced (or removed, when `remove`). */
function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = clone(root);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Odd values

export const ODD_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  0.5,
  1.000000001,
  123456789.123,
];

const NUMBER_LIKE_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '0x10',
  '1_000',
  ' 1',
  '1 ',
  '-0',
  '01',
  '',
  '١٢',
];

const combining = `Z${'\u0301\u0316\u0344\u035c'.repeat(20)}algo`;

export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n\r',
  '👩‍👩‍👧‍👦🏳️‍🌈🇳🇴',
  '\u202Eevil\u202C',
  'שלום עולם',
  'مرحبا بالعالم',
  combining,
  '\u200B\u200C\u200D\uFEFF',
  '\uD800',
  '\uDC00x\uD83D',
  'a\uDBFFb',
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31mred',
  '\u2028\u2029',
  '\uFFFE\uFFFF',
  "' OR '1'='1",
  "'; DROP TABLE assignments; --",
  'Robert"); DELETE FROM parties; --',
  '\\',
  '%_%',
  '$1',
  '?',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '&amp;&#0;&#x0;',
  '{{7*7}}',
  `$${'{'}7*7}`,
  '../../../../etc/passwd',
  '%00',
  '%s%n%x',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '01010112345',
  '010101 12345',
  'ǅ ß ﬁ İ ı',
  'Ⅻ ① ５',
];

const LONG_LENGTHS = [201, 255, 256, 1_000, 2_001, 10_001, 100_000];

export function oddString(random: Random, maxString: number): string {
  return random.weighted<() => string>([
    [10, () => random.pick(ODD_STRINGS)],
    [
      4,
      () => {
        const length = random.pick(LONG_LENGTHS.filter((n) => n <= maxString).concat([201]));
        return random.pick(['a', 'é', '😀', ' ', '\u0000', "'"]).repeat(length).slice(0, Math.max(length, 1));
      },
    ],
    [2, () => random.pick(NUMBER_LIKE_STRINGS)],
  ])();
}

export const ODD_TIMESTAMPS: readonly string[] = [
  '2026-01-01T00:00:00+16:00',
  '2026-01-01T00:00:00-16:00',
  '2026-01-01T00:00:00+23:59',
  '2026-01-01T00:00:00-23:59',
  '2026-01-01T00:00:00+15:59',
  '2026-01-01T00:00:00-15:59',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00+99:99',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00-15:59',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-01:00',
  '9999-12-31T23:59:59.999-15:59',
  '9999-12-31T23:59:59.999+15:59',
  '2016-12-31T23:59:60Z',
  '2026-06-30T23:59:60+02:00',
  '2026-02-30T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T12:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:60:00Z',
  '2026-01-01t00:00:00z',
  '2026-01-01 00:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01T00:00:00+0100',
  '2026-01-01T00:00:00.123456789Z',
  '2026-01-01T00:00:00.Z',
  '+002026-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '2038-01-19T03:14:08Z',
  '275760-09-13T00:00:00Z',
  '2026-01-01T00:00:00\u0000Z',
  'now',
  '1735689600',
];

/**
 * An odd timestamp: one of the list, or a valid one with an offset near or past what PostgreSQL
 * takes (±15:59), which the format allows up to ±23:59.
 */
export function oddTimestamp(random: Random): string {
  if (random.chance(0.5)) return random.pick(ODD_TIMESTAMPS);
  const offset = `${random.pick(['+', '-'])}${String(random.int(14, 23)).padStart(2, '0')}:${random.pick(['00', '30', '59'])}`;
  const year = random.pick([1, 2026, 2026, 9999]);
  return validTimestamp(random, year, year).replace(/(Z|[+-]\d\d:\d\d)$/, offset);
}

export const ODD_DATES: readonly string[] = [
  '2026-02-30',
  '2026-02-29',
  '2024-02-29',
  '1900-02-29',
  '2000-02-29',
  '2026-04-31',
  '2026-00-10',
  '2026-13-01',
  '2026-01-32',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '10000-01-01',
  '-0001-01-01',
  '2026-1-1',
  '2026-01-01T00:00:00Z',
  '20260101',
  '2026/01/01',
  '',
];

const ODD_UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'ffffffff-ffff-7fff-bfff-ffffffffffff',
  '00000000-0000-7000-8000-000000000000',
  'not-a-uuid',
  '',
];

function oddId(random: Random, context: GenerateContext, field: string, current: unknown): string {
  const { known } = context;
  const own = entityKindOf(field, context.procedure);
  const others = ENTITY_KINDS.filter((kind) => kind !== own && known.ids(kind).length > 0);
  const existing = typeof current === 'string' ? current : random.uuidV7();
  return random.weighted<() => string>([
    [4, () => (others.length > 0 ? random.pick(known.ids(random.pick(others))) : random.uuidV7())],
    [4, () => random.uuidV7()],
    [2, () => random.uuidV4()],
    [2, () => random.pick(ODD_UUIDS)],
    [1, () => existing.toUpperCase()],
    [1, () => `{${existing}}`],
    [1, () => existing.replaceAll('-', '')],
    [1, () => `${existing} `],
    [1, () => existing.slice(0, -1)],
    [1, () => `urn:uuid:${existing}`],
  ])();
}

/** Arrays nested `depth` deep (or objects, `{"a":{"a":…}}`), built without recursion. */
export function nested(depth: number, objects: boolean): unknown {
  let value: unknown = objects ? { a: 1 } : [1];
  for (let i = 1; i < depth; i++) value = objects ? { a: value } : [value];
  return value;
}

/**
 * Nesting deeper than JSON.stringify can walk (it recurses) travels as a token in the value and
 * becomes text in `inputText`.
 */
const DEEP_TOKEN = /"\\u0000deep:(\d+):(arrays|objects)"/g;
const deepToken = (depth: number, objects: boolean) => `\u0000deep:${depth}:${objects ? 'objects' : 'arrays'}`;

function deepText(depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** True when the value holds nesting made as a token: its validity cannot be told from the value. */
export const holdsDeepToken = (text: string) => text.includes('\\u0000deep:');

/** The input as JSON text, with the deep nesting tokens written out. */
export function inputText(value: unknown): string {
  return JSON.stringify(value).replace(DEEP_TOKEN, (_, depth: string, kind: string) =>
    deepText(Number(depth), kind === 'objects'),
  );
}

function valueOfOtherType(random: Random, value: unknown): unknown {
  const choices: unknown[] = [
    'x',
    '',
    0,
    1.5,
    -1,
    true,
    false,
    null,
    [],
    ['x'],
    {},
    { a: 1 },
    '123',
    'true',
    '{"a":1}',
  ];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  return random.pick(choices.filter((choice) => typeOf(choice) !== typeOf(value)));
}

// ---------------------------------------------------------------------------------------------
// Mutations of the input value

export type Mutation =
  | 'wrong-type'
  | 'missing-required'
  | 'extra-field'
  | 'boundary-number'
  | 'odd-string'
  | 'odd-timestamp'
  | 'odd-date'
  | 'deep-nesting'
  | 'long-array'
  | 'null'
  | 'other-id'
  | 'odd-cursor'
  | 'whole-input';

export interface Mutated {
  value: unknown;
  /** Undefined input: no `input` parameter, or an empty body. */
  absent: boolean;
  mutations: Mutation[];
}

function mutateOnce(root: unknown, schema: JsonSchema, context: GenerateContext, absent: boolean): Mutated | null {
  const { random } = context;
  const sites = sitesOf(root, schema);
  const inner = sites.filter((site) => site.path.length > 0);
  const pickSite = (accept: (site: Site) => boolean): Site | null => {
    const fitting = sites.filter(accept);
    return fitting.length > 0 ? random.pick(fitting) : null;
  };
  // A property the valid input left out is as good a place for an odd value as one it holds:
  // optional filters (a timestamp, an id, a limit) are where odd values reach the database.
  const pickSiteOrAbsent = (accept: (schema: JsonSchema) => boolean): Site | null => {
    const absentSites = sites.flatMap((site) =>
      isObject(site.value)
        ? Object.entries(site.schema?.properties ?? {})
            .filter(
              ([name, property]) => !(name in (site.value as object)) && accept(branchOf(property, '') ?? property),
            )
            .map(([name, property]) => ({
              path: [...site.path, name],
              schema: property,
              field: name,
              value: undefined,
            }))
        : [],
    );
    const fitting = [...sites.filter((site) => site.schema && accept(site.schema)), ...absentSites];
    return fitting.length > 0 ? random.pick(fitting) : null;
  };
  const formatted = (format: string) => (s: JsonSchema) =>
    s.format === format || (s.anyOf ?? []).some((branch) => branch.format === format);
  const numeric = (s: JsonSchema) => s.type === 'integer' || s.type === 'number';
  const replaced = (site: Site | null, value: unknown, mutation: Mutation): Mutated | null =>
    site ? { value: setAt(root, site.path, value), absent: false, mutations: [mutation] } : null;
  const mutation = random.weighted<Mutation>([
    [8, 'wrong-type'],
    [6, 'missing-required'],
    [4, 'extra-field'],
    [6, 'boundary-number'],
    [8, 'odd-string'],
    [8, 'odd-timestamp'],
    [4, 'odd-date'],
    [3, 'deep-nesting'],
    [4, 'long-array'],
    [4, 'null'],
    [8, 'other-id'],
    [3, 'odd-cursor'],
    [3, 'whole-input'],
  ]);
  const maxString = context.maxString;
  switch (mutation) {
    case 'wrong-type': {
      const site = inner.length > 0 ? random.pick(inner) : (sites[0] ?? null);
      return replaced(site, valueOfOtherType(random, site?.value), mutation);
    }
    case 'missing-required': {
      const site = pickSite(
        (s) => isObject(s.value) && (s.schema?.required ?? []).some((n) => n in (s.value as object)),
      );
      if (!site) return null;
      const present = (site.schema?.required ?? []).filter((name) => name in (site.value as object));
      return {
        value: setAt(root, [...site.path, random.pick(present)], undefined, true),
        absent,
        mutations: [mutation],
      };
    }
    case 'extra-field': {
      const site = pickSite((s) => isObject(s.value));
      if (!site) return null;
      const extra: Record<string, unknown> = { ...(site.value as object) };
      const count = random.pick([1, 1, 2, 50]);
      for (let i = 0; i < count; i++) {
        const name = random.pick([
          '__proto__',
          'constructor',
          'prototype',
          'ID',
          'extra',
          oddString(random, 200),
          `f${i}`,
        ]);
        extra[name] = random.pick<unknown>([{ admin: true }, 'x', 1, null, [], { polluted: true }]);
      }
      // JSON.stringify drops `__proto__` set as a plain key; define it so that it is sent.
      if (count === 1 && random.chance(0.5)) {
        Object.defineProperty(extra, '__proto__', { value: { admin: true }, enumerable: true });
      }
      return { value: setAt(root, site.path, extra), absent: false, mutations: [mutation] };
    }
    case 'boundary-number': {
      const site =
        pickSiteOrAbsent(numeric) ?? pickSite((s) => s.path.length > 0 && typeof s.value !== 'object') ?? null;
      const value = random.chance(0.75) ? random.pick(ODD_NUMBERS) : random.pick(NUMBER_LIKE_STRINGS);
      return replaced(site, value, mutation);
    }
    case 'odd-string': {
      const site = pickSite((s) => typeof s.value === 'string') ?? (inner.length > 0 ? random.pick(inner) : null);
      return replaced(site, oddString(random, maxString), mutation);
    }
    case 'odd-timestamp': {
      const site = pickSiteOrAbsent(formatted('date-time')) ?? pickSite((s) => typeof s.value === 'string') ?? null;
      return replaced(site, oddTimestamp(random), mutation);
    }
    case 'odd-date': {
      const site = pickSiteOrAbsent(formatted('date')) ?? pickSite((s) => typeof s.value === 'string') ?? null;
      return replaced(site, random.pick(ODD_DATES), mutation);
    }
    case 'deep-nesting': {
      const site = inner.length > 0 ? random.pick(inner) : (sites[0] ?? null);
      const depth = random.pick(context.inUrl ? [33, 100, 500] : [33, 100, 1_000, 5_000, 50_000, 500_000]);
      const objects = random.chance(0.3);
      return replaced(site, depth <= 1_000 ? nested(depth, objects) : deepToken(depth, objects), mutation);
    }
    case 'long-array': {
      const site = pickSite((s) => Array.isArray(s.value)) ?? (inner.length > 0 ? random.pick(inner) : null);
      if (!site) return null;
      const length = random.pick(
        context.inUrl ? [51, 201, 501, 1_001] : [51, 201, 501, 1_001, 10_000, 100_001, 150_000, 500_000, 2_400_000],
      );
      const items = site.schema?.items;
      const sample =
        Array.isArray(site.value) && site.value.length > 0
          ? site.value[0]
          : items
            ? validValue(items, context, site.field)
            : 1;
      const item = length <= 1_001 || typeof sample !== 'object' ? sample : 1;
      return replaced(
        site,
        Array.from({ length }, () => item),
        mutation,
      );
    }
    case 'null': {
      const site = random.pick(sites);
      return replaced(site, null, mutation);
    }
    case 'other-id': {
      const site = pickSiteOrAbsent(formatted('uuid')) ?? pickSite((s) => typeof s.value === 'string');
      return replaced(site, oddId(random, context, site?.field ?? '', site?.value), mutation);
    }
    case 'odd-cursor': {
      const site =
        pickSite((s) => ['cursor', 'continuation', 'reference', 'after', 'lastEventId'].includes(s.field)) ??
        (isObject(root)
          ? { path: [random.pick(['cursor', 'continuation'])], schema: undefined, field: '', value: '' }
          : null);
      return replaced(site, oddCursor(random, context, site?.value), mutation);
    }
    case 'whole-input': {
      const choice = random.pick<unknown>([null, 'x', 42, [], [root], true, {}, undefined, '']);
      return { value: choice, absent: choice === undefined, mutations: [mutation] };
    }
  }
}

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A cursor the server did not issue: a real one tampered with, or made up. */
function oddCursor(random: Random, context: GenerateContext, current: unknown): unknown {
  const real = context.known.texts(random.pick(['cursor', 'continuation'] as const));
  const source = typeof current === 'string' && current ? current : real.length > 0 ? random.pick(real) : 'e30';
  return random.weighted<() => unknown>([
    [3, () => tamperedCursor(random, source)],
    [1, () => `${source.slice(0, -2)}${random.pick(['A', '_', '-', '='])}`],
    [1, () => base64url(random.pick(['null', '[]', '{}', '"x"', '1e999', '{"a":', '\u0000']))],
    [1, () => random.pick(['', '!!!!', 'a'.repeat(512), 'a'.repeat(513), '%', '..', '\u0000'])],
    [1, () => random.pick(ODD_NUMBERS)],
    [1, () => random.pick(ODD_TIMESTAMPS)],
  ])();
}

/** A real cursor with one value inside its JSON made odd, encoded again. */
function tamperedCursor(random: Random, cursor: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return `${cursor}x`;
  }
  const sites = sitesOf(decoded, undefined).filter((site) => site.path.length > 0);
  if (sites.length === 0) return base64url(JSON.stringify(random.pick(ODD_TIMESTAMPS)));
  const site = random.pick(sites);
  const odd = random.pick<() => unknown>([
    () => random.pick(ODD_TIMESTAMPS),
    () => random.pick(ODD_NUMBERS),
    () => random.pick(ODD_STRINGS),
    () => random.uuidV7(),
    () => null,
    () => nested(40, false),
  ])();
  return base64url(JSON.stringify(setAt(decoded, site.path, odd)));
}

/** One to three mutations of a valid input (a mutation that finds nothing to change is skipped). */
export function mutate(valid: unknown, schema: JsonSchema, context: GenerateContext): Mutated {
  let current: Mutated = { value: valid, absent: valid === undefined, mutations: [] };
  const rounds = context.random.weighted([
    [8, 1],
    [2, 2],
    [1, 3],
  ]);
  for (let round = 0; round < rounds || current.mutations.length === 0; round++) {
    const next = mutateOnce(current.value, schema, context, current.absent);
    if (next) current = { ...next, mutations: [...current.mutations, ...next.mutations] };
    if (round > 10) break;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Mutations of the JSON text

export type TextMutation =
  | 'invalid-json'
  | 'infinite-number'
  | 'huge-integer'
  | 'duplicate-key'
  | 'escaped-surrogate'
  | 'byte-order-mark'
  | 'padding'
  | 'empty';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The input's JSON text, spoilt in a way a value cannot be. */
export function mutateText(text: string, random: Random, maxString: number): { text: string; mutation: TextMutation } {
  const mutation = random.weighted<TextMutation>([
    [6, 'invalid-json'],
    [2, 'infinite-number'],
    [2, 'huge-integer'],
    [2, 'duplicate-key'],
    [1, 'escaped-surrogate'],
    [1, 'byte-order-mark'],
    [1, 'padding'],
    [1, 'empty'],
  ]);
  const numberAt = /-?\d+(\.\d+)?([eE][+-]?\d+)?(?=[,}\]])/;
  switch (mutation) {
    case 'invalid-json': {
      const spoilt = random.pick<() => string>([
        () => text.slice(0, random.int(1, Math.max(1, text.length - 1))),
        () => text.replace(/}$/, ',}'),
        () => text.replaceAll('"', "'"),
        () => text.replace(/"(\w+)":/, '$1:'),
        () => `${text}/* comment */`,
        () => text.replace(numberAt, 'NaN'),
        () => text.replace(numberAt, 'Infinity'),
        () => text.replace(/:\s*"[^"]*"/, ': undefined'),
        () => `${text}${text}`,
        () => `{"a":"\\x41"}`,
        () => '{"a":"unterminated',
        () => '[1,2,,3]',
        () => '\u0000',
      ])();
      // Whatever the variant did, the text must not parse (nor be empty: that is no input at all).
      return { mutation, text: parses(spoilt) || spoilt.trim() === '' ? `${text}}` : spoilt };
    }
    case 'escaped-surrogate':
      return {
        mutation,
        text: /"[^"\\]*"/.test(text)
          ? text.replace(/"[^"\\]*"$|"[^"\\]*"(?=[,}\]])/, '"\\ud83d\\udfff\\ud800"')
          : '"\\udc00"',
      };
    case 'infinite-number':
      return {
        mutation,
        text: numberAt.test(text) ? text.replace(numberAt, random.pick(['1e999', '-1e999'])) : '1e999',
      };
    case 'huge-integer':
      return {
        mutation,
        text: numberAt.test(text)
          ? text.replace(numberAt, random.pick(['123456789012345678901234567890', '-0', '1E+2', '1e-400']))
          : '123456789012345678901234567890',
      };
    case 'duplicate-key': {
      const match = /^\{"([^"]+)":/.exec(text);
      if (!match) return { mutation, text: '{"a":1,"a":2}' };
      const twice = random.chance(0.5)
        ? `{"${match[1]}":${JSON.stringify(oddString(random, 200))},${text.slice(1)}`
        : `${text.slice(0, -1)},"${match[1]}":${JSON.stringify(oddString(random, 200))}}`;
      return { mutation, text: twice };
    }
    case 'byte-order-mark':
      return { mutation, text: `\uFEFF${text}` };
    case 'padding': {
      const spaces = ' \n\t'.repeat(Math.floor(Math.min(maxString, 100_000) / 3));
      return { mutation, text: `${spaces}${text}${spaces}` };
    }
    case 'empty':
      return { mutation, text: random.pick(['', ' ', 'null', '""']) };
  }
}
