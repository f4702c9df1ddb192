import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { restOperations } from '@takst/api';
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

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations(): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as Json })),
  );
}

const operationById = (id: string) => {
  const found = operations().find((each) => each.operation.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

/** Whether a body is what the document promises for its status (references resolved in the document). */
function conforms(operation: Json, status: number, contentType: string, body: unknown): string[] {
  const response = operation.responses[String(status)] ?? operation.responses.default;
  const resolved = response.$ref
    ? document.components.responses[(response.$ref as string).split('/').pop() as string]
    : response;
  const schema = resolved.content[contentType]?.schema;
  if (!schema) return [`no ${contentType} answer documented for ${status}`];
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const check = ajv.compile({ ...schema, components: document.components });
  return check(body) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** Calls an operation the way a client generated from the document would: path, query and body as it says. */
async function call(id: string, values: Json = {}, body?: unknown) {
  const { path, method, operation } = operationById(id);
  const base = `${server.url}${document.servers[0].url}`;
  const url = new URL(base + path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name])));
  for (const parameter of (operation.parameters ?? []) as Json[]) {
    if (parameter.in === 'query' && values[parameter.name] !== undefined) {
      url.searchParams.set(parameter.name, String(values[parameter.name]));
    }
  }
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: {
      authorization: `Bearer ${server.adminKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0] as string;
  return { operation, status: response.status, contentType, body: (await response.json()) as Json };
}

describe('the OpenAPI document at /api/openapi.json', () => {
  it('is valid OpenAPI 3.1, served without a key', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it("passes Redocly's strict recommended rules without an error or a warning", async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: '/openapi.json', config });
    expect(problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  });

  it('describes every procedure as an operation under /api/v1, with the scope it needs', () => {
    expect(document.servers).toEqual([{ url: '/api/v1', description: expect.any(String) }]);
    const described = new Map(operations().map((each) => [each.operation['x-takst-procedure'], each]));
    for (const operation of restOperations()) {
      const found = described.get(operation.procedure);
      expect(found, operation.procedure).toBeDefined();
      expect(found?.path).toBe(operation.path);
      expect(found?.method).toBe(operation.method.toLowerCase());
      expect(found?.operation['x-takst-scope']).toBe(operation.meta.scope);
      expect(found?.operation.summary.length, operation.procedure).toBeGreaterThan(5);
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'csrf', 'session']);
  });

  it('documents the NDJSON export and every refusal as problem details', () => {
    const exportNdjson = document.paths['/assignments/export.ndjson'].get as Json;
    expect(Object.keys(exportNdjson.responses['200'].content)).toEqual(['application/x-ndjson']);
    expect(exportNdjson.parameters.map((parameter: Json) => parameter.name)).toContain('continuation');
    for (const { operation } of operations()) {
      expect(operation.responses.default).toEqual({ $ref: '#/components/responses/Problem' });
    }
    expect(Object.keys(document.components.responses.Problem.content)).toEqual(['application/problem+json']);
  });

  it('tells the truth: a create, a get, a refusal and every list without required input match their schemas', async () => {
    const created = await call('assignments_create', {}, assignmentInput());
    expect(created.status).toBe(201);
    expect(conforms(created.operation, 201, created.contentType, created.body)).toEqual([]);
    const fetched = await call('assignments_get', { id: created.body.id });
    expect(fetched.status).toBe(200);
    expect(conforms(fetched.operation, 200, fetched.contentType, fetched.body)).toEqual([]);
    const refused = await call('assignments_create', {}, { type: 'nope' });
    expect(refused.status).toBe(400);
    expect(refused.contentType).toBe('application/problem+json');
    expect(conforms(refused.operation, 400, refused.contentType, refused.body)).toEqual([]);
    const stale = await call(
      'assignments_transition',
      { id: created.body.id },
      { to: 'confirmed', expectedVersion: 9 },
    );
    expect(stale.status).toBe(409);
    expect(conforms(stale.operation, 409, stale.contentType, stale.body)).toEqual([]);

    const lists = operations().filter(
      ({ method, operation }) =>
        method === 'get' &&
        operation.responses['200']?.content?.['application/json'] &&
        !(operation.parameters ?? []).some((parameter: Json) => parameter.required),
    );
    expect(lists.length).toBeGreaterThan(8);
    let answered = 0;
    for (const { operation } of lists) {
      // Some lists need one of several filters (a rule no single parameter shows): 400, documented too.
      const answer = await call(operation.operationId);
      expect([200, 400], operation.operationId).toContain(answer.status);
      if (answer.status === 200) answered += 1;
      expect(conforms(operation, answer.status, answer.contentType, answer.body), operation.operationId).toEqual([]);
    }
    expect(answered).toBeGreaterThan(8);
  });
});
