/**
 * Values from JSON Schema (the dialect `z.toJSONSchema` emits for the router's inputs): valid
 * ones, made to get past the schema and, as often as can be arranged, past the domain's rules too;
 * and a check of a value against a schema, with zod's reading of it (string lengths in UTF-16
 * units, integers as safe integers), to tell an input that must be refused from one that may pass.
 */
import type { Random } from './fuzz-random';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
}

export type EntityKind =
  | 'assignment'
  | 'property'
  | 'party'
  | 'appraiser'
  | 'inspection'
  | 'report'
  | 'note'
  | 'webhook'
  | 'delivery'
  | 'apiClient';

export const ENTITY_KINDS: readonly EntityKind[] = [
  'assignment',
  'property',
  'party',
  'appraiser',
  'inspection',
  'report',
  'note',
  'webhook',
  'delivery',
  'apiClient',
];

/** What earlier answers told: ids of rows that exist, their versions, cursors, references. */
export interface KnownValues {
  ids(kind: EntityKind): readonly string[];
  version(id: string): number | undefined;
  texts(kind: 'cursor' | 'continuation' | 'reference'): readonly string[];
  /** The highest event sequence number seen. */
  lastSequence(): number;
  /** External references (system, external id) that exist. */
  externalRefs(): readonly { system: string; externalId: string }[];
}

/** The kind of row a uuid field names, by the field's name and the procedure's group. */
export function entityKindOf(field: string, procedure: string): EntityKind | null {
  switch (field) {
    case 'assignmentId':
    case 'ids':
      return 'assignment';
    case 'propertyId':
      return 'property';
    case 'clientId':
    case 'payerId':
    case 'brokerId':
    case 'partyId':
      return 'party';
    case 'appraiserId':
    case 'authorId':
    case 'reviewerId':
      return 'appraiser';
    case 'inspectionId':
      return 'inspection';
    case 'reportId':
      return 'report';
    case 'endpointId':
    case 'webhookId':
      return 'webhook';
    case 'deliveryId':
      return 'delivery';
    case 'actorId':
      return 'apiClient';
    case 'entityId':
      return 'assignment';
    case 'id': {
      const group = procedure.split('.')[0] ?? '';
      return Object.hasOwn(GROUP_KINDS, group) ? (GROUP_KINDS[group] ?? null) : null;
    }
    default:
      return null;
  }
}

const GROUP_KINDS: Record<string, EntityKind> = {
  assignments: 'assignment',
  properties: 'property',
  parties: 'party',
  appraisers: 'appraiser',
  inspections: 'inspection',
  reports: 'report',
  notes: 'note',
  webhooks: 'webhook',
  apiClients: 'apiClient',
};

export interface GenerateContext {
  random: Random;
  known: KnownValues;
  procedure: string;
  /** Longest string to make (queries travel in the URL, which has a size limit). */
  maxString: number;
  /** The input travels in the URL: no megabytes of it. */
  inUrl: boolean;
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

// ---------------------------------------------------------------------------------------------
// Strings from simple regular expressions

type PatternNode =
  | { kind: 'sequence'; items: PatternNode[] }
  | { kind: 'choice'; options: PatternNode[] }
  | { kind: 'chars'; chars: string }
  | { kind: 'repeat'; node: PatternNode; min: number; max: number };

const DIGITS = '0123456789';
const WORD = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz${DIGITS}_`;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

class PatternParser {
  #at = 0;
  constructor(private readonly source: string) {}

  parse(): PatternNode {
    const node = this.#choice();
    if (this.#at < this.source.length) throw new Error(`unsupported pattern at ${this.#at}: ${this.source}`);
    return node;
  }

  #peek(): string | undefined {
    return this.source[this.#at];
  }

  #choice(): PatternNode {
    const options = [this.#sequence()];
    while (this.#peek() === '|') {
      this.#at++;
      options.push(this.#sequence());
    }
    return options.length === 1 ? (options[0] as PatternNode) : { kind: 'choice', options };
  }

  #sequence(): PatternNode {
    const items: PatternNode[] = [];
    for (let c = this.#peek(); c !== undefined && c !== '|' && c !== ')'; c = this.#peek()) {
      const atom = this.#atom();
      if (atom) items.push(this.#quantified(atom));
    }
    return { kind: 'sequence', items };
  }

  #atom(): PatternNode | null {
    const c = this.source[this.#at++] as string;
    if (c === '^' || c === '$') return null;
    if (c === '(') {
      if (this.source.startsWith('?:', this.#at)) this.#at += 2;
      else if (this.#peek() === '?') throw new Error(`unsupported group in ${this.source}`);
      const inner = this.#choice();
      if (this.source[this.#at++] !== ')') throw new Error(`unclosed group in ${this.source}`);
      return inner;
    }
    if (c === '[') return this.#class();
    if (c === '.') return { kind: 'chars', chars: PRINTABLE };
    if (c === '\\') return { kind: 'chars', chars: this.#escape() };
    return { kind: 'chars', chars: c };
  }

  #escape(): string {
    const c = this.source[this.#at++];
    if (c === 'd') return DIGITS;
    if (c === 'w') return WORD;
    if (c === 's') return ' ';
    if (c === 'D' || c === 'W') return '-';
    if (c === 'S') return 'x';
    if (c === undefined || /[bBnrtfvux0-9kpP]/.test(c)) throw new Error(`unsupported escape in ${this.source}`);
    return c;
  }

  #class(): PatternNode {
    const negated = this.#peek() === '^';
    if (negated) this.#at++;
    let chars = '';
    let first = true;
    for (let c = this.#peek(); c !== undefined && (c !== ']' || first); c = this.#peek()) {
      first = false;
      this.#at++;
      let from = c === '\\' ? this.#escape() : c;
      if (this.#peek() === '-' && this.source[this.#at + 1] !== ']' && from.length === 1) {
        this.#at++;
        const to = this.source[this.#at++] === '\\' ? this.#escape() : (this.source[this.#at - 1] as string);
        let range = '';
        for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) range += String.fromCharCode(code);
        from = range;
      }
      chars += from;
    }
    if (this.source[this.#at++] !== ']') throw new Error(`unclosed class in ${this.source}`);
    if (negated) chars = [...PRINTABLE].filter((ch) => !chars.includes(ch)).join('');
    return { kind: 'chars', chars };
  }

  #quantified(atom: PatternNode): PatternNode {
    const c = this.#peek();
    let min: number;
    let max: number;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, 4];
    else if (c === '+') [min, max] = [1, 5];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.#at));
      if (!match) return atom;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] ? Number(match[3]) : min + 4;
      this.#at += match[0].length - 1;
    } else return atom;
    this.#at++;
    if (this.#peek() === '?') this.#at++;
    return { kind: 'repeat', node: atom, min, max };
  }
}

const parsedPatterns = new Map<string, PatternNode | null>();

function patternNode(pattern: string): PatternNode | null {
  if (!parsedPatterns.has(pattern)) {
    try {
      parsedPatterns.set(pattern, new PatternParser(pattern).parse());
    } catch {
      parsedPatterns.set(pattern, null);
    }
  }
  return parsedPatterns.get(pattern) ?? null;
}

function fromNode(node: PatternNode, random: Random): string {
  switch (node.kind) {
    case 'sequence':
      return node.items.map((item) => fromNode(item, random)).join('');
    case 'choice':
      return fromNode(random.pick(node.options), random);
    case 'chars':
      return random.pick([...node.chars]);
    case 'repeat': {
      const times = random.int(node.min, node.max);
      let text = '';
      for (let i = 0; i < times; i++) text += fromNode(node.node, random);
      return text;
    }
  }
}

/** A string matching a simple regular expression (with the length bounds), or null. */
export function stringFromPattern(pattern: string, random: Random, minLength = 0, maxLength = Infinity): string | null {
  const node = patternNode(pattern);
  if (!node) return null;
  const regex = new RegExp(pattern);
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = fromNode(node, random);
    if (text.length >= minLength && text.length <= maxLength && regex.test(text)) return text;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Valid values

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function validDate(random: Random, fromYear = 2020, toYear = 2030): string {
  const year = random.int(fromYear, toYear);
  const month = random.int(1, 12);
  return `${pad(year, 4)}-${pad(month)}-${pad(random.int(1, daysIn(year, month)))}`;
}

const OFFSETS = [
  'Z',
  'Z',
  'Z',
  '+01:00',
  '+02:00',
  '-05:00',
  '+05:30',
  '+05:45',
  '-09:30',
  '+14:00',
  '-12:00',
  '+00:00',
];

export function validTimestamp(random: Random, fromYear = 2024, toYear = 2028): string {
  const millis = random.chance(0.5) ? `.${pad(random.int(0, 999), 3)}` : '';
  const time = `${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))}${millis}`;
  return `${validDate(random, fromYear, toYear)}T${time}${random.pick(OFFSETS)}`;
}

/** A Norwegian organisation number with a valid mod-11 check digit. */
export function organizationNumber(random: Random): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const digits = [random.int(8, 9), ...Array.from({ length: 7 }, () => random.int(0, 9))];
    const sum = digits.reduce((total, digit, i) => total + digit * (weights[i] as number), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${digits.join('')}${check}`;
  }
}

const WORDS = [
  'Storgata',
  'Oslo',
  'Bergen',
  'Kari',
  'Nordmann',
  'Ola',
  'Tromsø',
  'Ærlig',
  'Øvre',
  'Ås',
  'takst',
  'bolig',
  'Trondheim',
  'Kirkeveien',
  'Hansen',
];

function plainText(random: Random, minLength: number, maxLength: number): string {
  const target = random.int(Math.max(minLength, 1), Math.max(minLength, Math.min(maxLength, minLength + 30)));
  let text = random.pick(WORDS);
  while (text.length < target) text += ` ${random.chance(0.3) ? random.int(1, 999) : random.pick(WORDS)}`;
  text = text.slice(0, Math.max(minLength, Math.min(target, maxLength))).trimEnd();
  while (text.length < minLength) text += 'x';
  return text;
}

/** A valid string for the schema; by its format, its pattern, or the field it fills. */
function validString(schema: JsonSchema, field: string, context: GenerateContext): string {
  const { random, known } = context;
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 200, Math.max(context.maxString, minLength));
  if (schema.format === 'uuid') {
    const kind = entityKindOf(field, context.procedure) ?? (field === 'items' ? 'assignment' : null);
    const ids = kind ? known.ids(kind) : [];
    return ids.length > 0 && random.chance(0.85) ? random.pick(ids) : random.uuidV7();
  }
  if (schema.format === 'date-time') return validTimestamp(random);
  if (schema.format === 'date') return validDate(random);
  if (schema.format === 'email') return `fuzz.${random.hex(6)}@example.com`;
  if (schema.format === 'uri') return `http://127.0.0.1:9/fuzz/${random.hex(8)}`;
  if (field === 'organizationNumber' && random.chance(0.9)) return organizationNumber(random);
  if (field === 'reference' || field === 'cursor' || field === 'continuation') {
    const texts = known.texts(field);
    if (texts.length > 0 && random.chance(0.7)) return random.pick(texts);
  }
  if (field === 'q') return random.pick(WORDS.filter((word) => word.length >= minLength));
  if (field === 'municipality' && random.chance(0.7)) return random.pick(['0301', '4601', '5001', '1103']);
  if (field === 'system' && random.chance(0.7)) return random.pick(['fuzz', 'booking', 'support.desk']);
  if (schema.pattern) {
    const text = stringFromPattern(schema.pattern, random, minLength, maxLength);
    if (text !== null) return text;
  }
  return plainText(random, minLength, maxLength);
}

function validNumber(schema: JsonSchema, integer: boolean, field: string, context: GenerateContext): number {
  const { random } = context;
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : low + 1000);
  if (field === 'after' && random.chance(0.6)) return Math.max(low, context.known.lastSequence() - random.int(0, 20));
  const value = random.weighted<() => number>([
    [6, () => random.int(low, Math.min(high, low + 10))],
    [2, () => random.int(low, Math.min(high, low + 100_000))],
    [1, () => low],
    [1, () => high],
  ])();
  return integer ? value : random.chance(0.5) ? value : Math.min(high, value + random.float());
}

/**
 * Makes a valid value for `schema`; `field` is the property it fills (it picks ids of the right
 * kind, organisation numbers with check digits, cursors from earlier answers).
 */
export function validValue(schema: JsonSchema, context: GenerateContext, field = '', depth = 0): unknown {
  const { random } = context;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  if (schema.anyOf || schema.oneOf) {
    const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[];
    const nonNull = branches.filter((branch) => !typesOf(branch).includes('null'));
    const branch = nonNull.length > 0 && random.chance(0.85) ? random.pick(nonNull) : random.pick(branches);
    return validValue(branch, context, field, depth);
  }
  const types = typesOf(schema);
  const type = types.length > 0 ? random.pick(types) : undefined;
  switch (type) {
    case 'string':
      return validString(schema, field, context);
    case 'integer':
      return validNumber(schema, true, field, context);
    case 'number':
      return validNumber(schema, false, field, context);
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 5, min + 3);
      const length = random.int(min, Math.max(min, max));
      const items = schema.items ?? {};
      return Array.from({ length }, () => validValue(items, context, field, depth + 1));
    }
    case 'object':
      return validObject(schema, context, depth);
    default:
      // `{}`: anything (what zod could not describe). An object is the likeliest to be meant.
      return depth > 3 ? null : random.pick([{}, 'x', 1, true, null]);
  }
}

function validObject(schema: JsonSchema, context: GenerateContext, depth: number): Record<string, unknown> {
  const { random } = context;
  const value: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.not && Object.keys(property.not).length === 0) continue;
    if (!required.has(name) && !random.chance(depth === 0 ? 0.55 : 0.4)) continue;
    value[name] = validValue(property, context, name, depth + 1);
  }
  makeCoherent(value, context);
  return value;
}

/** Rules the schema cannot say, so that more valid inputs get past validation to the domain. */
function makeCoherent(value: Record<string, unknown>, context: GenerateContext): void {
  const { random, known } = context;
  // Given by id or inline, never both.
  for (const name of ['property', 'client', 'payer', 'broker']) {
    if (`${name}Id` in value && name in value) delete value[random.chance(0.5) ? name : `${name}Id`];
  }
  for (const name of Object.keys(value)) {
    const base = name.endsWith('Ref') ? name.slice(0, -3) : null;
    if (base && `${base}Id` in value) delete value[random.chance(0.5) ? name : `${base}Id`];
  }
  const ordered: [string, string][] = [
    ['startsAt', 'endsAt'],
    ['from', 'to'],
    ['createdFrom', 'createdTo'],
    ['validFrom', 'validTo'],
  ];
  for (const [from, to] of ordered) {
    const start = value[from];
    if (typeof start !== 'string' || typeof value[to] !== 'string') continue;
    if (start.includes('T')) {
      const hours = random.int(1, 4);
      value[to] = new Date(Date.parse(start) + hours * 3_600_000).toISOString();
    } else if (value[to] < start) [value[from], value[to]] = [value[to], start];
  }
  // A reference that exists, now and then.
  const refs = known.externalRefs();
  if (
    typeof value.system === 'string' &&
    typeof value.externalId === 'string' &&
    refs.length > 0 &&
    random.chance(0.5)
  ) {
    Object.assign(value, random.pick(refs));
  }
  // The version of the row the input names, when an earlier answer told it.
  const id = typeof value.id === 'string' ? value.id : undefined;
  const version = id ? known.version(id) : undefined;
  if ('expectedVersion' in value && version !== undefined && random.chance(0.8)) value.expectedVersion = version;
}

// ---------------------------------------------------------------------------------------------
// Checking a value against a schema

/** True when `value` satisfies `schema` as zod reads it (formats are checked by their patterns). */
export function conforms(schema: JsonSchema, value: unknown): boolean {
  if (schema.const !== undefined && value !== schema.const) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.anyOf && !schema.anyOf.some((branch) => conforms(branch, value))) return false;
  if (schema.oneOf && schema.oneOf.filter((branch) => conforms(branch, value)).length !== 1) return false;
  if (schema.allOf && !schema.allOf.every((branch) => conforms(branch, value))) return false;
  if (schema.not && conforms(schema.not, value)) return false;
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((type) => hasType(type, value))) return false;
  if (typeof value === 'string') {
    // JSON Schema (and zod) count code points, not UTF-16 units: an emoji is one.
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return false;
    if (schema.maxLength !== undefined && length > schema.maxLength) return false;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return false;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    const items = schema.items;
    if (items && !value.every((item) => conforms(items, item))) return false;
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) if (!Object.hasOwn(value, name)) return false;
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (Object.hasOwn(value, name) && !conforms(property, value[name])) return false;
    }
    if (schema.additionalProperties === false) {
      const known = new Set(Object.keys(schema.properties ?? {}));
      if (Object.keys(value).some((name) => !known.has(name))) return false;
    }
  }
  return true;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}
