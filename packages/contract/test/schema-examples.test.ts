import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contract from '../src';
import {
  addNoteInput,
  bookInspectionInput,
  createAppraiserInput,
  createAssignmentInput,
  createPartyInput,
  createWebhookInput,
  NAMED_OUTPUT_SCHEMAS,
} from '../src';

// The examples in the schemas' metadata go into the OpenAPI document as they are, so each must be
// something the schema it sits on accepts. Every exported schema is walked, down to its leaves.

type Schema = z.core.$ZodType;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' &&
  value !== null &&
  '_zod' in value &&
  typeof (value as { safeParse?: unknown }).safeParse === 'function';

/** Every exported schema of the contract, by its export name (and the schemas of exported records). */
function exportedSchemas(): Map<string, Schema> {
  const found = new Map<string, Schema>();
  for (const [name, value] of Object.entries(contract)) {
    if (isSchema(value)) found.set(name, value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, member] of Object.entries(value)) if (isSchema(member)) found.set(`${name}.${key}`, member);
    }
  }
  return found;
}

/** The schemas a schema is made of: object fields, wrapped types, union options, pipes, parents… */
function* partsOf(schema: Schema): Generator<[string, Schema]> {
  const def = schema._zod.def as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(def)) {
    if (key === 'checks') continue;
    if (isSchema(value)) yield [key, value];
    else if (Array.isArray(value)) {
      for (const [i, member] of value.entries()) if (isSchema(member)) yield [`${key}[${i}]`, member];
    } else if (typeof value === 'object' && value !== null) {
      for (const [name, member] of Object.entries(value)) if (isSchema(member)) yield [name, member];
    }
  }
  if (def.type === 'lazy' && typeof def.getter === 'function') yield ['lazy', (def.getter as () => Schema)()];
  // A `.meta()`, `.describe()` or `.refine()` copy keeps the schema it was made from as its parent.
  const parent = schema._zod.parent;
  if (parent) yield ['(parent)', parent];
}

interface Example {
  where: string;
  schema: Schema;
  example: unknown;
}

/** Every example in the registry of every schema reachable from the contract's exports. */
function collectExamples(): Example[] {
  const examples: Example[] = [];
  const seen = new Set<Schema>();
  const visit = (schema: Schema, where: string) => {
    if (seen.has(schema)) return;
    seen.add(schema);
    const meta = z.globalRegistry.get(schema);
    if (meta?.examples !== undefined) {
      expect(Array.isArray(meta.examples), `${where}: examples must be an array`).toBe(true);
      for (const example of meta.examples as unknown[]) examples.push({ where, schema, example });
    }
    for (const [key, part] of partsOf(schema)) visit(part, `${where}.${key}`);
  };
  for (const [name, schema] of exportedSchemas()) visit(schema, name);
  return examples;
}

/** Every `examples` array in a JSON Schema document, with where it is. */
function jsonExamples(json: unknown, path = '#'): { path: string; examples: unknown[] }[] {
  if (typeof json !== 'object' || json === null) return [];
  const found: { path: string; examples: unknown[] }[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === 'examples' && Array.isArray(value)) found.push({ path, examples: value });
    else found.push(...jsonExamples(value, `${path}/${key}`));
  }
  return found;
}

const jsonSchemaOf = (schema: Schema, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;

describe('the examples in the contract', () => {
  const examples = collectExamples();

  it('are many, and found by the walk', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  it('each pass the schema they are attached to', () => {
    const refused = examples.flatMap(({ where, schema, example }) => {
      const result = z.safeParse(schema, example);
      return result.success ? [] : [{ where, example, issues: result.error.issues }];
    });
    expect(refused).toEqual([]);
  });

  it('are every example the JSON Schema of an exported schema carries (the walk misses none)', () => {
    const known = new Set(examples.map(({ example }) => JSON.stringify(example)));
    const unchecked: string[] = [];
    for (const [name, schema] of exportedSchemas()) {
      for (const io of ['input', 'output'] as const) {
        for (const { path, examples: list } of jsonExamples(jsonSchemaOf(schema, io))) {
          for (const example of list) {
            if (!known.has(JSON.stringify(example)))
              unchecked.push(`${name} (${io}) ${path}: ${JSON.stringify(example)}`);
          }
        }
      }
    }
    expect(unchecked).toEqual([]);
  });

  it('include a whole example of each main create input', () => {
    const creates = {
      createAssignmentInput,
      bookInspectionInput,
      addNoteInput,
      createPartyInput,
      createAppraiserInput,
      createWebhookInput,
    };
    for (const [name, schema] of Object.entries(creates)) {
      const whole = z.globalRegistry.get(schema)?.examples as unknown[] | undefined;
      expect(whole?.length, name).toBeGreaterThan(0);
      for (const example of whole ?? []) expect(schema.safeParse(example).success, name).toBe(true);
    }
  });
});

describe('the named output schemas', () => {
  it('are listed by the name zod knows them by, each once', () => {
    for (const [name, schema] of Object.entries(NAMED_OUTPUT_SCHEMAS)) {
      expect(z.globalRegistry.get(schema)?.id, name).toBe(name);
    }
    expect(new Set(Object.values(NAMED_OUTPUT_SCHEMAS)).size).toBe(Object.keys(NAMED_OUTPUT_SCHEMAS).length);
  });

  it('are the only named schemas an answer refers to, as $ref into $defs', () => {
    const json = jsonSchemaOf(NAMED_OUTPUT_SCHEMAS.AssignmentPage, 'output');
    expect(json.$ref).toBe('#/$defs/AssignmentPage');
    const defs = Object.keys(json.$defs as object).sort();
    expect(defs).toEqual([
      'AppraiserSummary',
      'Assignment',
      'AssignmentPage',
      'Cadastre',
      'PartySummary',
      'PropertySummary',
    ]);
  });

  it('never appear in an input: no input converts to a $ref', () => {
    const inputs = [...exportedSchemas()].filter(([name]) => /Input(Schema)?$|^exportFiltersSchema$/.test(name));
    expect(inputs.length).toBeGreaterThan(50);
    for (const [name, schema] of inputs) {
      expect(JSON.stringify(jsonSchemaOf(schema, 'input')), name).not.toContain('"$ref"');
    }
  });
});

/** Every `properties` entry in a JSON Schema document without a description. */
function undescribedFields(json: unknown, path = '#'): string[] {
  if (typeof json !== 'object' || json === null) return [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [field, schema] of Object.entries(value)) {
        if (typeof (schema as { description?: unknown }).description !== 'string') missing.push(`${path}/${field}`);
      }
    }
    missing.push(...undescribedFields(value, `${path}/${key}`));
  }
  return missing;
}

describe('the descriptions in the contract', () => {
  it('cover every field of every exported object schema, and the exported object schemas themselves', () => {
    const missing: string[] = [];
    for (const [name, schema] of exportedSchemas()) {
      for (const io of ['input', 'output'] as const) {
        const json = jsonSchemaOf(schema, io);
        missing.push(...undescribedFields(json).map((path) => `${name} (${io}) ${path}`));
        const root = json.$ref
          ? (json.$defs as Record<string, { description?: unknown }>)[String(json.$ref).split('/').pop() as string]
          : json;
        if ((root as { type?: unknown }).type === 'object' && typeof root?.description !== 'string') {
          missing.push(`${name} (${io}) itself`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
