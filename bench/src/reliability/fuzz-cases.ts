/**
 * The cases: each a request (or a short sequence of them) made from the seed and its number
 * alone, apart from the ids of real rows it names, which come from earlier answers. Procedure
 * calls with valid and mutated input, input text that is not JSON, Idempotency-Key replays and
 * reuse, missing, wrong and under-scoped keys, wrong methods and content types, batches, unknown
 * procedures, the routes beside tRPC, and odd headers.
 */

import type { Expectation, Step } from './fuzz-check';
import type { Answer, FuzzRequest } from './fuzz-http';
import type { Known } from './fuzz-known';
import { holdsDeepToken, inputText, mutate, mutateText, oddString, oddTimestamp } from './fuzz-mutate';
import type { Random } from './fuzz-random';
import { conforms, type GenerateContext, type JsonSchema, validValue } from './fuzz-schema';

export interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  scope: string;
  /** The input's schema as the OpenAPI document gives it; undefined when the procedure takes none. */
  input: JsonSchema | undefined;
  /** What valid input is made from: the document's, or a closer one where it says only "anything". */
  generate: JsonSchema | undefined;
  inputRequired: boolean;
}

type Json = Record<string, unknown>;

/**
 * Percent-encoding that also takes lone surrogates (encodeURIComponent throws on them): each is
 * written as the three bytes a lenient UTF-8 encoder would make, which no decoder should accept.
 */
export function encodeQuery(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    out += encodeURIComponent(text.slice(from, i));
    const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    out += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    from = i + 1;
  }
  return out + encodeURIComponent(text.slice(from));
}
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A procedure's whole input, put back together from its REST operation: the path and query
 * parameters and the body's fields are its fields (docs/rest.md).
 */
function inputSchemaOf(operation: Json): { schema: JsonSchema | undefined; required: boolean } {
  const body = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const fromBody = (body?.['application/json'] as Json | undefined)?.schema as JsonSchema | undefined;
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).filter(
    (parameter) => parameter.in === 'path' || parameter.in === 'query',
  );
  if (parameters.length === 0) {
    if (fromBody) return { schema: fromBody, required: (operation.requestBody as Json).required === true };
    return { schema: undefined, required: false };
  }
  const properties: Record<string, JsonSchema> = { ...(fromBody?.properties ?? {}) };
  const required = new Set(fromBody?.required ?? []);
  for (const parameter of parameters) {
    const name = String(parameter.name);
    properties[name] = (parameter.schema as JsonSchema | undefined) ?? {};
    if (parameter.required === true) required.add(name);
  }
  const schema: JsonSchema = { ...(fromBody ?? {}), type: 'object', properties, required: [...required] };
  return { schema, required: required.size > 0 || (operation.requestBody as Json | undefined)?.required === true };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every procedure of the OpenAPI document (`GET /api/openapi.json`), with its input schema and scope. */
export function proceduresOf(document: unknown): Procedure[] {
  if (!isObject(document) || !isObject(document.paths)) throw new Error('not an OpenAPI document');
  const procedures: Procedure[] = [];
  for (const item of Object.values(document.paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation) || typeof operation['x-takst-procedure'] !== 'string') continue;
      const responses = (operation.responses ?? {}) as Json;
      const success = ((responses['200'] ?? responses['201']) as Json | undefined)?.content as Json | undefined;
      const type = success?.['text/event-stream'] ? 'subscription' : method === 'get' ? 'query' : 'mutation';
      const { schema, required } = inputSchemaOf(operation);
      procedures.push({
        path: operation['x-takst-procedure'],
        type,
        scope: String(operation['x-takst-scope'] ?? ''),
        input: schema,
        generate: schema,
        inputRequired: required,
      });
    }
  }
  // The bulk upsert takes "anything" per item on the wire (items fail one by one); make items
  // as assignments.create and upsertByExternalRef describe them, so that some succeed.
  const bulk = procedures.find((p) => p.path === 'assignments.bulkUpsert');
  const create = procedures.find((p) => p.path === 'assignments.create')?.input;
  const byRef = procedures.find((p) => p.path === 'assignments.upsertByExternalRef')?.input;
  if (bulk?.input && create && byRef?.properties) {
    const externalRef: JsonSchema = {
      type: 'object',
      required: ['system', 'externalId'],
      properties: { system: byRef.properties.system ?? {}, externalId: byRef.properties.externalId ?? {} },
    };
    const item: JsonSchema = {
      type: 'object',
      required: ['key', 'assignment'],
      properties: {
        key: {
          anyOf: [
            { type: 'object', required: ['externalRef'], properties: { externalRef } },
            {
              type: 'object',
              required: ['reference'],
              properties: { reference: { type: 'string', pattern: '^\\d{4}-\\d{6,}$' } },
            },
          ],
        },
        assignment: create,
      },
    };
    const items = bulk.input.properties?.items;
    bulk.generate = {
      ...bulk.input,
      properties: { ...bulk.input.properties, items: { ...items, maxItems: 20, items: item } },
    };
  }
  return procedures;
}

/** The stable error codes the document lists for `errorCode` (problem details; `error.data` on /trpc). */
export function errorCodesOf(document: unknown): Set<string> {
  const schemas = isObject(document) && isObject(document.components) ? document.components.schemas : undefined;
  const problem = isObject(schemas) ? schemas.Problem : undefined;
  const path = ['properties', 'errorCode', 'enum'];
  let at: unknown = problem;
  for (const key of path) at = isObject(at) ? at[key] : undefined;
  if (!Array.isArray(at)) throw new Error('the OpenAPI document lists no error codes');
  return new Set(at.map(String));
}

export interface Keys {
  admin: string;
  /** A key with `assignments:read` alone. */
  readOnly: string | null;
  /** A key that has been revoked. */
  revoked: string | null;
}

export interface CaseContext {
  seed: number;
  procedures: Procedure[];
  known: Known;
  keys: Keys;
}

/** A step whose expectation depends on the answers of the steps before it. */
export interface FuzzStep extends Step {
  expectAfter?: (previous: Answer[]) => Expectation;
}

export interface FuzzCase {
  index: number;
  /** Where the table counts it: the procedure's group, or the kind of transport case. */
  group: string;
  /** The procedure, or what the case is about. */
  procedure: string;
  /** What was done to it: `valid`, `mutated: odd-timestamp`, `method: TRACE`, … */
  kind: string;
  steps: FuzzStep[];
}

const QUERY_STRING_BUDGET = 3_000;
const BODY_STRING_BUDGET = 100_000;

function generateContext(random: Random, context: CaseContext, procedure: string, inUrl: boolean): GenerateContext {
  return {
    random,
    known: context.known,
    procedure,
    maxString: inUrl ? QUERY_STRING_BUDGET : BODY_STRING_BUDGET,
    inUrl,
  };
}

const travelsInUrl = (procedure: Procedure, method?: string) =>
  (method ?? (procedure.type === 'mutation' ? 'POST' : 'GET')) !== 'POST';

/** Valid input for the procedure; undefined (sent as no input) now and then where that is allowed. */
function validInput(procedure: Procedure, random: Random, context: CaseContext, method?: string): unknown {
  if (!procedure.generate) return undefined;
  if (!procedure.inputRequired && random.chance(0.1)) return undefined;
  return validValue(
    procedure.generate,
    generateContext(random, context, procedure.path, travelsInUrl(procedure, method)),
  );
}

interface CallOptions {
  method?: string;
  /** The Authorization header; null sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
  requestId: string | null;
}

const bearer = (key: string) => `Bearer ${key}`;

/** The request of one call, as the README's "From other languages" describes it. */
export function callRequest(procedure: Procedure, text: string | undefined, options: CallOptions): FuzzRequest {
  const method = options.method ?? (procedure.type === 'mutation' ? 'POST' : 'GET');
  const headers: Record<string, string> = {};
  if (options.requestId !== null) headers['x-request-id'] = options.requestId;
  if (options.authorization !== null && options.authorization !== undefined)
    headers.authorization = options.authorization;
  const stream = procedure.type === 'subscription';
  if (stream) headers.accept = 'text/event-stream';
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (withBody) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  const base = `/trpc/${procedure.path}`;
  if (withBody) return { method, path: base, headers, body: text ?? '', stream };
  return { method, path: text === undefined ? base : `${base}?input=${encodeQuery(text)}`, headers, stream };
}

const step = (request: FuzzRequest, expect: Expectation, requestId: string | null, trpc = true, batch = false) => ({
  request,
  expect,
  requestId,
  trpc,
  batch,
});

type Builder = (index: number, random: Random, context: CaseContext) => FuzzCase;

const groupOf = (procedure: Procedure) => procedure.path.split('.')[0] ?? procedure.path;
const requestIdOf = (context: CaseContext, index: number, n = 0) => `fz${context.seed}-${index}-${n}`;

const validCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures);
  const input = validInput(procedure, random, context);
  const requestId = requestIdOf(context, index);
  const headers: Record<string, string> = {};
  if (procedure.type === 'mutation' && random.chance(0.2)) headers['idempotency-key'] = `fz-${context.seed}-${index}`;
  const text = input === undefined ? undefined : inputText(input);
  const request = callRequest(procedure, text, { authorization: bearer(context.keys.admin), headers, requestId });
  return {
    index,
    group: groupOf(procedure),
    procedure: procedure.path,
    kind: 'valid',
    steps: [step(request, {}, requestId)],
  };
};

const mutatedCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures);
  const inUrl = travelsInUrl(procedure);
  const generate = generateContext(random, context, procedure.path, inUrl);
  const valid = procedure.generate ? validValue(procedure.generate, generate) : {};
  const mutated = mutate(valid, procedure.generate ?? {}, generate);
  const text = mutated.absent ? undefined : inputText(mutated.value);
  // Input its own schema refuses must be refused; what the schema allows may pass or not.
  const decidable = text === undefined || !holdsDeepToken(JSON.stringify(mutated.value));
  const schemaRefuses =
    decidable &&
    procedure.input !== undefined &&
    !(mutated.absent ? !procedure.inputRequired : conforms(procedure.input, mutated.value));
  const requestId = requestIdOf(context, index);
  const request = callRequest(procedure, text, { authorization: bearer(context.keys.admin), requestId });
  const expect: Expectation = schemaRefuses ? { refused: true, because: 'the input breaks its JSON Schema' } : {};
  return {
    index,
    group: groupOf(procedure),
    procedure: procedure.path,
    kind: `mutated: ${[...new Set(mutated.mutations)].join(' + ')}`,
    steps: [step(request, expect, requestId)],
  };
};

const textCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures);
  const input = validInput(procedure, random, context) ?? {};
  const spoilt = mutateText(
    inputText(input),
    random,
    travelsInUrl(procedure) ? QUERY_STRING_BUDGET : BODY_STRING_BUDGET,
  );
  const requestId = requestIdOf(context, index);
  const request = callRequest(procedure, spoilt.text, { authorization: bearer(context.keys.admin), requestId });
  const expect: Expectation =
    spoilt.mutation === 'invalid-json' ? { refused: true, because: 'the input is not JSON' } : {};
  if (spoilt.mutation === 'invalid-json' && procedure.type !== 'subscription') expect.status = [400];
  return {
    index,
    group: groupOf(procedure),
    procedure: procedure.path,
    kind: `text: ${spoilt.mutation}`,
    steps: [step(request, expect, requestId)],
  };
};

/** Procedures whose answer holds a secret kept only hashed (packages/api/src/auth/key-answers.ts). */
const SECRET_ANSWERS = new Set(['apiClients.create', 'apiClients.rotate', 'users.create', 'users.sendSetPasswordLink']);

/** Procedures whose answer holds a webhook secret, which a replay reads from the endpoint as it is now. */
const WEBHOOK_SECRET_ANSWERS = new Set(['webhooks.create', 'webhooks.rotateSecret']);

/** A keyed mutation, its retry (a replay of the first answer) and the key reused for other input. */
const idempotencyCase: Builder = (index, random, context) => {
  const mutations = context.procedures.filter((p) => p.type === 'mutation');
  const procedure = random.pick(mutations);
  const first = inputText(validInput(procedure, random, context) ?? {});
  let other = inputText(validInput(procedure, random, context) ?? {});
  if (other === first) other = inputText({ ...(JSON.parse(first) as Json), fuzzOther: index });
  const key = random.chance(0.8)
    ? `fz-${context.seed}-${index}-${random.hex(8)}`
    : `fz-key-${random.hex(6)}-${'k'.repeat(200)}`;
  const make = (text: string, n: number) => {
    const requestId = requestIdOf(context, index, n);
    return {
      requestId,
      request: callRequest(procedure, text, {
        authorization: bearer(context.keys.admin),
        headers: { 'idempotency-key': key },
        requestId,
      }),
    };
  };
  const [a, b, c] = [make(first, 0), make(first, 1), make(other, 2)];
  const succeeded = (answers: Answer[]) => answers[0]?.status !== null && (answers[0]?.status ?? 0) < 300;
  // An answer holding a hashed secret is not replayed: the retry is told it was made (409 CONFLICT).
  // A webhook secret is replayed as the endpoint has it now: other cases may rotate or delete it meanwhile.
  const replay: (answers: Answer[]) => Expectation = SECRET_ANSWERS.has(procedure.path)
    ? () => ({ status: [409], errorCode: ['CONFLICT'], because: 'a retry of a call whose answer held a secret' })
    : WEBHOOK_SECRET_ANSWERS.has(procedure.path)
      ? () => ({ status: [200, 404], because: 'a retry replays, with the secret the endpoint has now' })
      : (answers) => ({
          status: [answers[0]?.status ?? 200],
          sameResult: resultOf(answers[0]),
          because: 'a retry replays',
        });
  return {
    index,
    group: groupOf(procedure),
    procedure: procedure.path,
    kind: 'idempotency: replay and reuse',
    steps: [
      step(a.request, {}, a.requestId),
      {
        ...step(b.request, {}, b.requestId),
        expectAfter: (answers) => (succeeded(answers) ? replay(answers) : {}),
      },
      {
        ...step(c.request, {}, c.requestId),
        expectAfter: (answers) =>
          succeeded(answers)
            ? { refused: true, errorCode: ['IDEMPOTENCY_KEY_REUSED'], because: 'the key was used for other input' }
            : {},
      },
    ],
  };
};

function resultOf(answer: Answer | undefined): string | undefined {
  if (!answer) return undefined;
  try {
    return JSON.stringify((JSON.parse(answer.text) as Json).result);
  } catch {
    return undefined;
  }
}

const authCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures);
  const { keys } = context;
  const unknownKey = `tk_${Buffer.from(random.hex(64), 'hex').toString('base64url').slice(0, 43)}`;
  const unauthenticated: Expectation = {
    status: [401],
    errorCode: ['UNAUTHENTICATED'],
    because: 'no or an unknown key',
  };
  const refused: Expectation = { refused: true, because: 'a malformed Authorization header' };
  const variants: [string, string | null, Expectation][] = [
    ['no key', null, unauthenticated],
    ['unknown key', bearer(unknownKey), unauthenticated],
    ['key without "Bearer"', keys.admin, refused],
    ['Basic scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`, refused],
    ['empty bearer', 'Bearer ', refused],
    ['"Bearer" alone', 'Bearer', refused],
    ['short key', bearer('tk_abc'), unauthenticated],
    ['key with a character more', bearer(`${keys.admin}x`), unauthenticated],
    ['two keys', `${bearer(unknownKey)}, ${bearer(keys.admin)}`, refused],
    ['huge key', bearer(`tk_${'A'.repeat(8_000)}`), refused],
    ['Latin-1 key', bearer(`tk_${'é'.repeat(43)}`), refused],
    ['lowercase scheme', `bearer ${keys.admin}`, {}],
  ];
  if (keys.revoked) variants.push(['revoked key', bearer(keys.revoked), unauthenticated]);
  if (keys.readOnly) {
    const scoped: Expectation =
      procedure.scope === 'assignments:read'
        ? {}
        : {
            status: [403],
            errorCode: ['MISSING_SCOPE'],
            requiredScope: procedure.scope,
            because: `the key lacks ${procedure.scope}`,
          };
    variants.push(['key without the scope', bearer(keys.readOnly), scoped]);
    variants.push(['key without the scope', bearer(keys.readOnly), scoped]);
  }
  const [name, authorization, expect] = random.pick(variants);
  const input = validInput(procedure, random, context);
  const requestId = requestIdOf(context, index);
  const request = callRequest(procedure, input === undefined ? undefined : inputText(input), {
    authorization,
    requestId,
  });
  return {
    index,
    group: 'auth',
    procedure: procedure.path,
    kind: `auth: ${name}`,
    steps: [step(request, expect, requestId)],
  };
};

const methodCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures);
  const right = procedure.type === 'mutation' ? 'POST' : 'GET';
  const wrong = right === 'POST' ? 'GET' : 'POST';
  const method = random.weighted([
    [5, wrong],
    [1, 'PUT'],
    [1, 'PATCH'],
    [1, 'DELETE'],
    [1, 'OPTIONS'],
    [1, 'TRACE'],
    [1, 'HEAD'],
  ]);
  const input = validInput(procedure, random, context, method);
  const requestId = requestIdOf(context, index);
  const request = callRequest(procedure, input === undefined ? undefined : inputText(input), {
    method,
    authorization: bearer(context.keys.admin),
    requestId,
  });
  const expect: Expectation =
    method === 'HEAD'
      ? {}
      : procedure.type === 'subscription'
        ? { refused: true, because: `${method} for a subscription` }
        : {
            status: [405],
            errorCode: ['METHOD_NOT_SUPPORTED'],
            because: `${method} for a ${procedure.type}`,
          };
  return {
    index,
    group: 'transport: method',
    procedure: procedure.path,
    kind: `method: ${method}`,
    steps: [step(request, expect, requestId)],
  };
};

const contentTypeCase: Builder = (index, random, context) => {
  const mutations = context.procedures.filter((p) => p.type === 'mutation');
  const procedure = random.pick(mutations);
  const notJson = [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=fuzz',
    'application/xml',
    'application/octet-stream',
    'application/jsonx',
    'text/json',
  ];
  const json = ['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=latin1', ''];
  const contentType = random.chance(0.7) ? random.pick(notJson) : random.pick(json);
  const input = validInput(procedure, random, context) ?? {};
  const requestId = requestIdOf(context, index);
  const request = callRequest(procedure, inputText(input), { authorization: bearer(context.keys.admin), requestId });
  if (contentType === '') delete request.headers['content-type'];
  else request.headers['content-type'] = contentType;
  const expect: Expectation = notJson.includes(contentType)
    ? { status: [415], errorCode: ['UNSUPPORTED_MEDIA_TYPE'], because: 'the body is not declared JSON' }
    : {};
  return {
    index,
    group: 'transport: content type',
    procedure: procedure.path,
    kind: `content type: ${contentType || '(none)'}`,
    steps: [step(request, expect, requestId)],
  };
};

const batchCase: Builder = (index, random, context) => {
  const queries = context.procedures.filter((p) => p.type === 'query');
  const mutations = context.procedures.filter((p) => p.type === 'mutation');
  const requestId = requestIdOf(context, index);
  const admin = { authorization: bearer(context.keys.admin), 'x-request-id': requestId };
  const variant = random.weighted([
    [5, 'queries'],
    [3, 'mutations'],
    [1, 'mixed'],
    [1, 'input not an object'],
    [1, 'gaps'],
    [1, 'empty paths'],
    [1, 'many'],
    [1, 'streamed'],
    [1, 'batch=2'],
  ] as const);
  const inputFor = (procedure: Procedure) => {
    const generate = generateContext(random, context, procedure.path, procedure.type !== 'mutation');
    const valid = procedure.generate ? validValue(procedure.generate, generate) : undefined;
    return random.chance(0.3) && valid !== undefined ? mutate(valid, procedure.generate ?? {}, generate).value : valid;
  };
  const callsOf = (pool: Procedure[], count: number) => Array.from({ length: count }, () => random.pick(pool));
  const inputsOf = (calls: Procedure[]) =>
    inputText(Object.fromEntries(calls.map((procedure, i) => [String(i), inputFor(procedure)])));
  const get = (paths: string, input: string | null, extra: Record<string, string> = {}): FuzzRequest => ({
    method: 'GET',
    path: `/trpc/${paths}?batch=1${input === null ? '' : `&input=${encodeQuery(input)}`}`,
    headers: { ...admin, ...extra },
  });
  let request: FuzzRequest;
  let expect: Expectation = {};
  let batch = true;
  switch (variant) {
    case 'queries': {
      const calls = callsOf(queries, random.int(1, 6));
      request = get(calls.map((p) => p.path).join(','), inputsOf(calls));
      break;
    }
    case 'mutations': {
      const calls = callsOf(mutations, random.int(1, 5));
      request = {
        method: 'POST',
        path: `/trpc/${calls.map((p) => p.path).join(',')}?batch=1`,
        headers: { ...admin, 'content-type': 'application/json' },
        body: inputsOf(calls),
      };
      break;
    }
    case 'mixed': {
      const calls = [...callsOf(queries, 2), ...callsOf(mutations, 1)];
      request = get(calls.map((p) => p.path).join(','), inputsOf(calls));
      expect = { refused: true, because: 'a mutation in a GET batch' };
      break;
    }
    case 'input not an object': {
      const calls = callsOf(queries, 2);
      request = get(calls.map((p) => p.path).join(','), random.pick(['[{},{}]', '"x"', 'null', '1', '[]']));
      expect = { refused: true, because: 'a batch input must be an object' };
      break;
    }
    case 'gaps': {
      const calls = callsOf(queries, 3);
      request = get(calls.map((p) => p.path).join(','), '{"1":{},"7":{},"-1":{},"__proto__":{}}');
      break;
    }
    case 'empty paths':
      request = get(random.pick(['', ',', 'assignments.list,,assignments.list', ',assignments.list']), '{}');
      break;
    case 'many': {
      const count = random.pick([50, 200]);
      request = get(Array.from({ length: count }, () => 'assignments.list').join(','), '{}');
      break;
    }
    case 'streamed': {
      const calls = callsOf(queries, random.int(1, 4));
      request = get(calls.map((p) => p.path).join(','), inputsOf(calls), { 'trpc-accept': 'application/jsonl' });
      break;
    }
    case 'batch=2': {
      const calls = callsOf(queries, 2);
      request = {
        method: 'GET',
        path: `/trpc/${calls.map((p) => p.path).join(',')}?batch=${random.pick(['2', 'true', '0', ''])}&input=%7B%7D`,
        headers: admin,
      };
      expect = { status: [404], because: 'without batch=1, "a,b" is one unknown procedure' };
      batch = false;
      break;
    }
  }
  return {
    index,
    group: 'transport: batch',
    procedure: 'batch',
    kind: `batch: ${variant}`,
    steps: [step(request, expect, requestId, true, batch)],
  };
};

const unknownProcedureCase: Builder = (index, random, context) => {
  const wellFormed = [
    'nope',
    'assignments.nope',
    'assignments',
    'assignments.get.x',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'assignments.__proto__',
    'assignments.constructor',
    '_def',
    'ASSIGNMENTS.GET',
    'assignments.get%20',
    '%F0%9F%98%80',
    'a'.repeat(2_000),
  ];
  const malformed = ['%E0%A4%A', '%', '%00', '..%2F..%2Fhealthz', '%C0%AE%C0%AE', 'assignments.get%'];
  const bad = random.chance(0.3);
  const name = random.pick(bad ? malformed : wellFormed);
  const method = random.pick(['GET', 'POST']);
  const requestId = requestIdOf(context, index);
  const headers: Record<string, string> = { authorization: bearer(context.keys.admin), 'x-request-id': requestId };
  if (method === 'POST') headers['content-type'] = 'application/json';
  const request: FuzzRequest = {
    method,
    path: `/trpc/${name}${method === 'GET' ? '?input=%7B%7D' : ''}`,
    headers,
    ...(method === 'POST' ? { body: '{}' } : {}),
  };
  const expect: Expectation = bad
    ? { refused: true, because: 'no such procedure' }
    : { status: [404], errorCode: ['NOT_FOUND'], because: 'no such procedure' };
  return {
    index,
    group: 'unknown procedure',
    procedure: name.slice(0, 40),
    kind: `unknown procedure: ${method}`,
    steps: [step(request, expect, requestId)],
  };
};

const EXPORT_PATH = '/api/assignments/export.ndjson';

const otherPathCase: Builder = (index, random, context) => {
  const requestId = requestIdOf(context, index);
  const { keys } = context;
  const admin = bearer(keys.admin);
  const oddExportQuery = () =>
    random.pick<() => string>([
      () => `status=${random.pick(['bogus', 'received,nope', '', ',,,', 'received'.repeat(100)])}`,
      () => `limit=${random.pick(['-1', '0', '1e9', 'abc', '5001', '1'])}`,
      () => `continuation=${encodeQuery(random.pick(context.known.texts('continuation').concat(['junk', '%', ''])))}`,
      () => `updatedSince=${encodeQuery(oddTimestamp(random))}`,
      () => `createdFrom=${encodeQuery(oddTimestamp(random))}&createdTo=2020-01-01T00:00:00Z`,
      () => `q=${encodeQuery(oddString(random, 300))}`,
      () => 'foo=bar',
      () => 'status=received&status=closed&type=valuation',
      () => '__proto__=1&constructor=2',
      () => 'appraiserId=not-a-uuid',
    ])();
  const variants: [string, FuzzRequest, Expectation, boolean][] = [
    ['GET /healthz', get('/healthz'), { status: [200] }, false],
    ['GET /readyz', get('/readyz'), { status: [200] }, false],
    ['GET /api/openapi.json', get('/api/openapi.json'), { status: [200] }, false],
    ['GET /metrics without a key', get('/metrics'), { status: [401], because: 'no key' }, false],
    ['GET /metrics', get('/metrics', admin), { status: [200] }, false],
    ['GET /metrics, no scope', get('/metrics', keys.readOnly ? bearer(keys.readOnly) : null), { refused: true }, false],
    ['GET export.ndjson, odd query', get(`${EXPORT_PATH}?${oddExportQuery()}`, admin), {}, false],
    ['GET export.ndjson without a key', get(EXPORT_PATH), { status: [401], because: 'no key' }, false],
    ['GET export.ndjson, unknown key', get(EXPORT_PATH, bearer('tk_unknown')), { status: [401] }, false],
    [`${random.pick(['POST', 'PUT', 'DELETE', 'TRACE'])} /healthz`, { ...get('/healthz'), method: 'POST' }, {}, false],
    [
      'GET unknown path',
      get(random.pick(['/nope', '/', '/api', '/api/assignments', '/trpcx', '/%E0%A4%A'])),
      {},
      false,
    ],
    ['GET /trpc without a procedure', get(random.pick(['/trpc', '/trpc/', '//trpc/assignments.list'])), {}, true],
  ];
  const [name, request, expect, trpc] = random.pick(variants);
  if (name.endsWith(' /healthz') && !name.startsWith('GET')) {
    request.method = name.split(' ')[0] as string;
    Object.assign(expect, { status: [405], because: 'GET only' });
  }
  return {
    index,
    group: 'other paths',
    procedure: name,
    kind: `path: ${name}`,
    steps: [step(request, expect, requestId, trpc)],
  };

  function get(path: string, authorization: string | null = null): FuzzRequest {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (authorization) headers.authorization = authorization;
    return { method: 'GET', path, headers };
  }
};

const headerCase: Builder = (index, random, context) => {
  const procedure = random.pick(context.procedures.filter((p) => p.type !== 'subscription'));
  const input = validInput(procedure, random, context) ?? {};
  let requestId: string | null = requestIdOf(context, index);
  const request = callRequest(procedure, inputText(input), { authorization: bearer(context.keys.admin), requestId });
  let expect: Expectation = {};
  const variant = random.pick([
    'idempotency key',
    'idempotency key',
    'request id',
    'huge header',
    'many headers',
    'accept',
    'content encoding',
  ]);
  let detail = '';
  switch (variant) {
    case 'idempotency key': {
      const [name, key, bad] = random.pick<[string, string, boolean]>([
        ['empty', '', false],
        ['blank', '   ', false],
        ['255 characters', 'k'.repeat(255), false],
        ['256 characters', 'k'.repeat(256), true],
        ['8,000 characters', 'k'.repeat(8_000), true],
        ['Latin-1', 'nøkkel-é', true],
        ['tab inside', 'a\tb', true],
        ['quotes and slashes', `"../k\\'"`, false],
      ]);
      request.headers['idempotency-key'] = key;
      detail = name;
      if (bad && procedure.type === 'mutation')
        expect = { refused: true, because: 'Idempotency-Key is 1–255 printable ASCII' };
      break;
    }
    case 'request id': {
      const odd = random.pick(['r'.repeat(201), 'has space', 'é', '', '../../x', '<script>', '%00']);
      request.headers['x-request-id'] = odd;
      requestId = null;
      detail = JSON.stringify(odd.slice(0, 20));
      break;
    }
    case 'huge header':
      request.headers['x-fuzz'] = 'h'.repeat(random.pick([8_000, 20_000]));
      break;
    case 'many headers':
      for (let i = 0; i < 150; i++) request.headers[`x-fuzz-${i}`] = String(i);
      break;
    case 'accept':
      request.headers.accept = random.pick(['text/event-stream', 'application/xml', '*/*;q=0', 'application/jsonl']);
      break;
    case 'content encoding':
      request.headers['content-encoding'] = random.pick(['gzip', 'br', 'identity', 'x-unknown']);
      break;
  }
  return {
    index,
    group: 'transport: headers',
    procedure: procedure.path,
    kind: `header: ${variant}${detail ? ` (${detail})` : ''}`,
    steps: [step(request, expect, requestId)],
  };
};

/**
 * The event stream (lightly: its head and what comes in the first moments): refused with the
 * status and JSON error of any other call when the key, scope or input is wrong, else a stream.
 */
const subscriptionCase: Builder = (index, random, context) => {
  const subscriptions = context.procedures.filter((p) => p.type === 'subscription');
  if (subscriptions.length === 0) return validCase(index, random, context);
  const procedure = random.pick(subscriptions);
  const { keys } = context;
  const requestId = requestIdOf(context, index);
  const unknownKey = `tk_${Buffer.from(random.hex(64), 'hex').toString('base64url').slice(0, 43)}`;
  const generate = generateContext(random, context, procedure.path, true);
  const valid = procedure.generate ? validValue(procedure.generate, generate) : {};
  const variants: [string, string | null, unknown, Record<string, string>, Expectation][] = [
    ['no key', null, valid, {}, { status: [401], errorCode: ['UNAUTHENTICATED'], because: 'no key' }],
    ['unknown key', bearer(unknownKey), valid, {}, { status: [401], errorCode: ['UNAUTHENTICATED'] }],
    [
      'odd Last-Event-ID',
      bearer(keys.admin),
      valid,
      { 'last-event-id': random.pick(['abc', '-1', '1e3', '9'.repeat(20), '1.5']) },
      { refused: true, because: 'Last-Event-ID must be a sequence number' },
    ],
    ['valid', bearer(keys.admin), valid, {}, { status: [200] }],
    [
      'valid, resuming',
      bearer(keys.admin),
      valid,
      { 'last-event-id': String(context.known.lastSequence()) },
      { status: [200] },
    ],
  ];
  if (keys.revoked)
    variants.push(['revoked key', bearer(keys.revoked), valid, {}, { status: [401], errorCode: ['UNAUTHENTICATED'] }]);
  if (keys.readOnly && procedure.scope !== 'assignments:read') {
    variants.push([
      'key without the scope',
      bearer(keys.readOnly),
      valid,
      {},
      { status: [403], errorCode: ['MISSING_SCOPE'], requiredScope: procedure.scope },
    ]);
  }
  const mutated = mutate(valid, procedure.generate ?? {}, generate);
  if (
    procedure.input &&
    !mutated.absent &&
    !holdsDeepToken(JSON.stringify(mutated.value)) &&
    !conforms(procedure.input, mutated.value)
  ) {
    variants.push([
      'input its schema refuses',
      bearer(keys.admin),
      mutated.value,
      {},
      { status: [400], errorCode: ['VALIDATION_FAILED'] },
    ]);
  }
  const [name, authorization, input, headers, expect] = random.pick(variants);
  const request = callRequest(procedure, inputText(input), { authorization, headers, requestId });
  return {
    index,
    group: 'subscription',
    procedure: procedure.path,
    kind: `subscription: ${name}`,
    steps: [step(request, expect, requestId)],
  };
};

const BUILDERS: readonly (readonly [number, Builder])[] = [
  [2, subscriptionCase],
  [30, validCase],
  [38, mutatedCase],
  [6, textCase],
  [3, idempotencyCase],
  [5, authCase],
  [4, methodCase],
  [3, contentTypeCase],
  [4, batchCase],
  [2, unknownProcedureCase],
  [2, otherPathCase],
  [3, headerCase],
];

/** Case `index` of the run: which kind of case, and everything in it, come from the seed and the index. */
export function buildCase(index: number, random: Random, context: CaseContext): FuzzCase {
  return random.weighted(BUILDERS)(index, random, context);
}
