import { z } from 'zod';
import { appRouter } from '../router';
import type { ProcedureMeta, RestRoute } from '../trpc';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

/** How a query parameter's text becomes the value its input field takes. */
export type ParameterKind = 'string' | 'integer' | 'number' | 'boolean' | 'array';

export interface InputField {
  name: string;
  kind: ParameterKind;
  required: boolean;
  /** The field's JSON Schema (input side), for the OpenAPI document. */
  schema: Record<string, unknown>;
}

export interface RestOperation {
  /** The procedure, e.g. `assignments.get`. */
  procedure: string;
  type: ProcedureType;
  meta: ProcedureMeta;
  method: RestRoute['method'];
  /** As written in the meta, e.g. `/assignments/{id}/transitions`. */
  path: string;
  status: 200 | 201;
  segments: readonly string[];
  /** The `{name}` segments, in order. */
  pathParameters: readonly string[];
  /** The input's top-level fields (none when it takes no input or is not an object). */
  fields: readonly InputField[];
  /** Whether the input may be left out altogether. */
  inputOptional: boolean;
  input: z.ZodType | undefined;
  output: z.ZodType | undefined;
}

interface ProcedureDef {
  type: ProcedureType;
  meta?: ProcedureMeta;
  inputs: z.ZodType[];
  output?: z.ZodType;
}

type JsonSchema = Record<string, unknown>;

/** The field's own type, seen through `anyOf: [T, null]` and similar. */
export function parameterKindOf(schema: JsonSchema): ParameterKind {
  const types = new Set<string>();
  const collect = (part: JsonSchema) => {
    const type = part.type;
    if (typeof type === 'string') types.add(type);
    else if (Array.isArray(type)) for (const each of type) types.add(String(each));
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = part[key];
      if (Array.isArray(options)) for (const option of options) collect(option as JsonSchema);
    }
  };
  collect(schema);
  types.delete('null');
  if (types.has('array')) return 'array';
  if (types.has('integer')) return 'integer';
  if (types.has('number')) return 'number';
  if (types.has('boolean')) return 'boolean';
  return 'string';
}

function fieldsOf(input: z.ZodType | undefined): InputField[] {
  if (!input) return [];
  const schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, field]) => ({
    name,
    kind: parameterKindOf(field),
    required: required.has(name),
    schema: field,
  }));
}

function operationOf(procedure: string, def: ProcedureDef): RestOperation {
  const meta = def.meta as ProcedureMeta;
  const input = def.inputs[0];
  const segments = meta.rest.path.split('/').slice(1);
  const pathParameters = segments.filter(isParameter).map((segment) => segment.slice(1, -1));
  const fields = fieldsOf(input);
  for (const name of pathParameters) {
    if (!fields.some((field) => field.name === name)) {
      throw new Error(`${procedure}: the REST path names {${name}}, which is not a field of its input`);
    }
  }
  return {
    procedure,
    type: def.type,
    meta,
    method: meta.rest.method,
    path: meta.rest.path,
    status: meta.rest.status ?? 200,
    segments,
    pathParameters,
    fields,
    inputOptional: input === undefined || input.safeParse(undefined).success,
    input,
    output: def.output,
  };
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/**
 * Orders routes so that a literal segment wins over a parameter at the first place they differ:
 * `/assignments/export` is found before `/assignments/{id}`. The key (`0` a literal, `1` a
 * parameter, per segment) makes a total order, which a pairwise comparison would not.
 */
const specificityKey = (operation: RestOperation) =>
  operation.segments.map((segment) => (isParameter(segment) ? '1' : '0')).join('');

const bySpecificity = (a: RestOperation, b: RestOperation) => {
  const [aKey, bKey] = [specificityKey(a), specificityKey(b)];
  return aKey < bKey ? -1 : aKey > bKey ? 1 : 0;
};

let operations: readonly RestOperation[] | undefined;

/** Every procedure's REST operation, most specific path first. Made once, from the router. */
export function restOperations(): readonly RestOperation[] {
  if (operations) return operations;
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  const made = Object.entries(procedures).map(([procedure, { _def }]) => operationOf(procedure, _def));
  const seen = new Map<string, string>();
  for (const operation of made) {
    const shape = `${operation.method} /${operation.segments.map((s) => (isParameter(s) ? '{}' : s)).join('/')}`;
    const other = seen.get(shape);
    if (other) throw new Error(`${operation.procedure} and ${other} share the REST route ${shape}`);
    seen.set(shape, operation.procedure);
  }
  operations = made.sort(bySpecificity);
  return operations;
}

export interface MatchedRoute {
  operation: RestOperation;
  pathValues: Record<string, string>;
}

export type RouteMatch =
  | { found: MatchedRoute }
  | { methodNotAllowed: readonly RestOperation['method'][] }
  | { notFound: true };

/**
 * The operation a method and path (below `/api/v1`, already split at `/` and percent-decoded)
 * name; when the path exists under other methods only, those methods.
 */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const allowed = new Set<RestOperation['method']>();
  for (const operation of restOperations()) {
    const pathValues = valuesOf(operation, segments);
    if (!pathValues) continue;
    if (operation.method === method) return { found: { operation, pathValues } };
    allowed.add(operation.method);
  }
  return allowed.size > 0 ? { methodNotAllowed: [...allowed] } : { notFound: true };
}

function valuesOf(operation: RestOperation, segments: readonly string[]): Record<string, string> | null {
  if (operation.segments.length !== segments.length) return null;
  const values: Record<string, string> = {};
  for (let index = 0; index < segments.length; index++) {
    const expected = operation.segments[index] as string;
    const actual = segments[index] as string;
    if (isParameter(expected)) {
      if (actual === '') return null;
      values[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) return null;
  }
  return values;
}
