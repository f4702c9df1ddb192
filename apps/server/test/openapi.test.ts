import { Validator } from '@seriousme/openapi-schema-validator';
import { appRouter } from '@takst/api';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// biome-ignore lint/suspicious/noExplicitAny: a JSON document, navigated by path, in a test
type Json = Record<string, any>;

let server: TestServer;
let document: Json;
beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Json;
});
afterAll(() => server?.close());

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

/** Calls an operation the way a client generated from the document would. */
async function callOperation(path: string, input: unknown) {
  const [method, operation] = Object.entries(document.paths[`/trpc/${path}`] as Json)[0] as [string, Json];
  const url = new URL(`${server.url}/trpc/${path}`);
  if (method === 'get' && input !== undefined) url.searchParams.set('input', JSON.stringify(input));
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    ...(method === 'post' ? { body: JSON.stringify(input) } : {}),
  });
  return { operation, status: response.status, body: (await response.json()) as Json };
}

/** Whether a body is what the document promises for its status. */
function conforms(operation: Json, status: number, body: unknown): string[] {
  const schema =
    status === 200 ? operation.responses['200'].content['application/json'].schema : document.components.schemas.Error;
  const check = validator().compile(schema);
  return check(body) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('the OpenAPI document at /api/openapi.json', () => {
  it('is valid OpenAPI 3.1, served without a key', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every procedure, with the scope it needs', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { scope: string } } }>;
    const described = Object.keys(document.paths).map((path) => path.replace('/trpc/', ''));
    expect(described.sort()).toEqual(Object.keys(procedures).sort());
    for (const [path, procedure] of Object.entries(procedures)) {
      const operation = Object.values(document.paths[`/trpc/${path}`] as Json)[0] as Json;
      expect(operation['x-takst-scope'], path).toBe(procedure._def.meta?.scope);
    }
  });

  it('tells the truth: answers of a create, a get, a refusal and every list match their schemas', async () => {
    const created = await callOperation('assignments.create', assignmentInput());
    expect(created.status).toBe(200);
    expect(conforms(created.operation, created.status, created.body)).toEqual([]);
    const fetched = await callOperation('assignments.get', { id: created.body.result.data.id });
    expect(conforms(fetched.operation, fetched.status, fetched.body)).toEqual([]);
    const refused = await callOperation('assignments.create', { type: 'nope' });
    expect(refused.status).toBe(400);
    expect(conforms(refused.operation, refused.status, refused.body)).toEqual([]);

    // Every query that needs no input: its answer as documented.
    const queries = Object.entries(document.paths as Json)
      .map(([path, item]) => [path.replace('/trpc/', ''), (item as Json).get] as const)
      .filter(([, get]) => get?.responses['200'].content['application/json'])
      .filter(([, get]) => !(get.parameters ?? []).some((parameter: Json) => parameter.required));
    expect(queries.length).toBeGreaterThan(5);
    for (const [path] of queries) {
      const answer = await callOperation(path, undefined);
      expect(conforms(answer.operation, answer.status, answer.body), path).toEqual([]);
    }
  });
});
