/**
 * What every answer must be: never a 5xx; an error in the documented shape (tRPC's
 * `{ error: { message, code, data: { code, errorCode, httpStatus, requestId } } }` on /trpc,
 * problem details `{ type, title, status, detail, errorCode, code, requestId }` elsewhere), with the
 * request id the request carried; no stack trace; and, where the API documents the answer
 * (no key, a missing scope, a wrong method, a body that is not JSON, input the schema refuses),
 * that answer.
 */
import type { Answer, FuzzRequest } from './fuzz-http';

export interface Expectation {
  /** The answer's status must be one of these. */
  status?: number[];
  /** The answer must not be a success: the input, key or method is one the API must refuse. */
  refused?: boolean;
  /** `error.data.errorCode` must be one of these. */
  errorCode?: string[];
  /** `error.data.requiredScope` must be this. */
  requiredScope?: string;
  /** A success's `result` must be this JSON text (an Idempotency-Key replay). */
  sameResult?: string;
  /** Why, for the report. */
  because?: string;
}

export interface Step {
  request: FuzzRequest;
  expect: Expectation;
  /** The request id sent, which every error must carry; null when the case sends an odd one. */
  requestId: string | null;
  /** Answered by tRPC (errors with `data`), or by another route (flat errors). */
  trpc: boolean;
  /** A batch: the answer is an array, one element per call. */
  batch: boolean;
}

export type ViolationCategory =
  | '5xx'
  | 'no answer'
  | 'error shape'
  | 'stack trace'
  | 'expected answer'
  | 'refusal in a 200 stream'
  | 'stall'
  | 'server'
  /** Worth knowing, but not a violation: does not fail the run. */
  | 'observation';

export interface Finding {
  category: ViolationCategory;
  message: string;
}

const STACK_FRAME = /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/)[^\s)"]*:\d+:\d+\)?/;
const STACK_KEY = /"stack"\s*:/;

export const isSuccess = (status: number) => status >= 200 && status < 300;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export interface CheckContext {
  /** The stable error codes the OpenAPI document lists. */
  errorCodes: ReadonlySet<string>;
}

/** The tRPC error object `{ message, code, data }` of one call; what is wrong with it, if anything. */
function trpcErrorProblems(error: unknown, status: number | null, requestId: string | null, context: CheckContext) {
  const problems: string[] = [];
  if (!isObject(error)) return ['`error` is not an object'];
  if (typeof error.message !== 'string') problems.push('`error.message` is not a string');
  if (typeof error.code !== 'number') problems.push('`error.code` is not a number');
  const data = error.data;
  if (!isObject(data)) return [...problems, '`error.data` is missing'];
  if (typeof data.code !== 'string') problems.push('`error.data.code` is not a string');
  if (typeof data.errorCode !== 'string' || !context.errorCodes.has(data.errorCode)) {
    problems.push(`\`error.data.errorCode\` is ${JSON.stringify(data.errorCode)}, not a documented code`);
  }
  if (typeof data.httpStatus !== 'number') problems.push('`error.data.httpStatus` is not a number');
  else if (status !== null && data.httpStatus !== status) {
    problems.push(`\`error.data.httpStatus\` is ${data.httpStatus} but the answer is ${status}`);
  }
  if (typeof data.httpStatus === 'number' && data.httpStatus < 500 && data.errorCode === 'INTERNAL') {
    problems.push(`a ${data.httpStatus} refusal says INTERNAL`);
  }
  problems.push(...requestIdProblems(data.requestId, requestId, '`error.data.requestId`'));
  if (data.issues !== undefined) {
    const issues = data.issues;
    const wellFormed =
      Array.isArray(issues) &&
      issues.every(
        (issue) =>
          isObject(issue) &&
          Array.isArray(issue.path) &&
          typeof issue.message === 'string' &&
          typeof issue.code === 'string',
      );
    if (!wellFormed) problems.push('`error.data.issues` is not a list of { path, message, code }');
  }
  return problems;
}

function requestIdProblems(actual: unknown, sent: string | null, where: string): string[] {
  if (typeof actual !== 'string' || actual === '') return [`${where} is ${JSON.stringify(actual)}`];
  if (sent !== null && actual !== sent) return [`${where} is ${JSON.stringify(actual)}, not the ${sent} sent`];
  return [];
}

/** Checks one answer; returns what is wrong with it. */
export function checkAnswer(step: Step, answer: Answer, context: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const { status, text } = answer;
  if (status === null) {
    return answer.clientSide ? [] : [{ category: 'no answer', message: answer.failure ?? 'no answer' }];
  }
  if (status >= 500) findings.push({ category: '5xx', message: `answered ${status}` });
  if (STACK_FRAME.test(text) || STACK_KEY.test(text)) {
    findings.push({ category: 'stack trace', message: 'the body holds a stack trace' });
  }
  const { expect } = step;
  // node:http refuses what it cannot parse (headers too large, a malformed request) before the
  // application sees it: a bare status, no body, no request id. A refusal, but not the application's.
  const refusedByNode =
    text === '' && answer.headers['x-request-id'] === undefined && (status === 431 || status === 400);
  if (refusedByNode) return findings;
  // URL and headers over 16 kB: refused before they are read, whatever the call would have been,
  // so no expectation of the call holds; the answer is the flat error with an id of the server's.
  if (status === 431) {
    const parsed = parseJson(text);
    const problem = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
    const sentBack = String(answer.headers['x-request-id'] ?? '');
    if (!isObject(problem) || problem.status !== 431 || problem.requestId !== sentBack) {
      findings.push({ category: 'error shape', message: 'a 431 is not problem details with its X-Request-Id' });
    }
    return findings;
  }
  if (expect.status && !expect.status.includes(status)) {
    findings.push({
      category: 'expected answer',
      message: `answered ${status}, expected ${expect.status.join(' or ')}${expect.because ? ` (${expect.because})` : ''}`,
    });
  } else if (expect.refused && isSuccess(status)) {
    findings.push({
      category: 'expected answer',
      message: `answered ${status}, expected a refusal${expect.because ? ` (${expect.because})` : ''}`,
    });
  }
  if (step.request.method === 'HEAD') return findings;
  const contentType = String(answer.headers['content-type'] ?? '');
  // Only the start of a long body was kept: nothing to parse.
  if (answer.truncated) return findings;
  // tRPC's streaming batch (`trpc-accept: application/jsonl`) answers in its own line format.
  if (step.request.headers['trpc-accept'] !== undefined && isSuccess(status)) return findings;
  const requestId = step.requestId ?? String(answer.headers['x-request-id'] ?? '');
  if (contentType.startsWith('text/event-stream')) {
    if (/^event: *serialized-error/m.test(text)) {
      findings.push({ category: 'refusal in a 200 stream', message: 'the event stream starts with an error' });
    }
    return findings;
  }
  if (isSuccess(status)) {
    if (step.trpc && contentType.startsWith('application/json')) {
      const parsed = parseJson(text);
      const ok =
        parsed.ok && (step.batch ? Array.isArray(parsed.value) : isObject(parsed.value) && 'result' in parsed.value);
      if (!ok) findings.push({ category: 'error shape', message: 'a success without `result`' });
      if (ok && step.batch) findings.push(...batchProblems(parsed.value as unknown[], status, requestId, context));
      if (
        ok &&
        expect.sameResult !== undefined &&
        JSON.stringify((parsed.value as Json).result) !== expect.sameResult
      ) {
        findings.push({ category: 'expected answer', message: 'the replay answered other data than the first call' });
      }
    }
    return findings;
  }
  if (status < 400) return findings;
  // tRPC's own envelope on /trpc; problem details (RFC 9457) everywhere else (docs/rest.md).
  const expectedType = step.trpc ? 'application/json' : 'application/problem+json';
  if (contentType.split(';')[0]?.trim() !== expectedType) {
    findings.push({
      category: 'error shape',
      message: `an error sent as ${contentType ? `Content-Type ${contentType}` : 'no content type'}, not ${expectedType}`,
    });
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    findings.push({ category: 'error shape', message: 'an error whose body is not JSON' });
    return findings;
  }
  const body = parsed.value;
  let errorData: Json | undefined;
  if (step.trpc && step.batch && Array.isArray(body)) {
    findings.push(...batchProblems(body, status, requestId, context));
  } else if (step.trpc && isObject(body) && isObject(body.error) && isObject(body.error.data)) {
    for (const problem of trpcErrorProblems(body.error, status, requestId, context)) {
      findings.push({ category: 'error shape', message: problem });
    }
    errorData = body.error.data;
  } else if (!step.trpc && isObject(body)) {
    const problems: string[] = [];
    for (const member of ['type', 'title', 'detail', 'code'] as const) {
      if (typeof body[member] !== 'string') problems.push(`\`${member}\` is not a string`);
    }
    if (typeof body.errorCode !== 'string' || !context.errorCodes.has(body.errorCode)) {
      problems.push(`\`errorCode\` is ${JSON.stringify(body.errorCode)}, not a documented code`);
    } else if (body.type !== `urn:takst:error:${body.errorCode}`) {
      problems.push(`\`type\` is ${JSON.stringify(body.type)}, not the URN of its errorCode`);
    }
    if (body.status !== status) problems.push(`\`status\` is ${JSON.stringify(body.status)}, not ${status}`);
    if (body.errorCode === 'INTERNAL' && status < 500) problems.push(`a ${status} refusal says INTERNAL`);
    problems.push(...requestIdProblems(body.requestId, requestId, '`requestId`'));
    for (const problem of problems) findings.push({ category: 'error shape', message: problem });
    errorData = body;
  } else {
    findings.push({ category: 'error shape', message: 'an error in neither the tRPC envelope nor problem details' });
  }
  if (errorData && expect.errorCode && !expect.errorCode.includes(String(errorData.errorCode))) {
    findings.push({
      category: 'expected answer',
      message: `errorCode ${JSON.stringify(errorData.errorCode)}, expected ${expect.errorCode.join(' or ')}`,
    });
  }
  if (errorData && expect.requiredScope && errorData.requiredScope !== expect.requiredScope) {
    findings.push({
      category: 'expected answer',
      message: `requiredScope ${JSON.stringify(errorData.requiredScope)}, expected ${expect.requiredScope}`,
    });
  }
  return findings;
}

function batchProblems(
  elements: unknown[],
  status: number,
  requestId: string | null,
  context: CheckContext,
): Finding[] {
  const findings: Finding[] = [];
  const statuses = new Set<number>();
  for (const [index, element] of elements.entries()) {
    if (isObject(element) && 'result' in element) {
      statuses.add(200);
      continue;
    }
    if (!isObject(element) || !isObject(element.error)) {
      findings.push({ category: 'error shape', message: `batch element ${index} is neither a result nor an error` });
      continue;
    }
    const data = element.error.data;
    if (isObject(data) && typeof data.httpStatus === 'number') statuses.add(data.httpStatus);
    for (const problem of trpcErrorProblems(element.error, null, requestId, context)) {
      findings.push({ category: 'error shape', message: `batch element ${index}: ${problem}` });
    }
  }
  const [only] = statuses;
  if (statuses.size === 1 && only !== undefined && only !== status) {
    findings.push({
      category: 'error shape',
      message: `every call of the batch answered ${only}, the batch ${status}`,
    });
  }
  if (statuses.size > 1 && status !== 207) {
    findings.push({ category: 'error shape', message: `a batch of mixed outcomes answered ${status}, not 207` });
  }
  return findings;
}
