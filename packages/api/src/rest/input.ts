import type { ValidationIssue } from '@takst/contract/errors';
import { DomainError } from '../errors';
import type { InputField, RestOperation } from './routes';

function invalid(issues: ValidationIssue[]): DomainError {
  const message = `Invalid input: ${issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ')}`;
  return new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', message, { issues });
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * A query parameter's text as its field takes it. Text that is not of the field's kind stays
 * text, so the input's schema refuses it with the field named, as it refuses any wrong value.
 */
function parameterValue(field: InputField, texts: string[]): unknown {
  if (field.kind === 'array') return texts.flatMap((text) => text.split(',')).filter((text) => text !== '');
  const text = texts[0] as string;
  if ((field.kind === 'integer' || field.kind === 'number') && NUMBER_TEXT.test(text)) return Number(text);
  if (field.kind === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/**
 * The input of a GET or DELETE: its path values and query parameters, each read as its field's
 * kind (`limit=20` a number, `active=true` a boolean, a list repeated or comma-separated:
 * `status=received&status=confirmed` or `status=received,confirmed`). A parameter the operation
 * does not take is refused rather than ignored: a misspelt filter would otherwise widen the answer.
 */
export function inputOfQuery(
  operation: RestOperation,
  pathValues: Record<string, string>,
  query: URLSearchParams,
  ignored: ReadonlySet<string> = new Set(),
): unknown {
  const fields = new Map(operation.fields.map((field) => [field.name, field]));
  const input: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const name of new Set(query.keys())) {
    if (ignored.has(name)) continue;
    const field = fields.get(name);
    const texts = query.getAll(name);
    if (!field || operation.pathParameters.includes(name)) {
      const taken = operation.fields.filter((each) => !operation.pathParameters.includes(each.name));
      issues.push({
        path: [name],
        code: 'unrecognized_keys',
        message: `${operation.method} ${operation.path} takes no parameter "${name}"${taken.length > 0 ? `; it takes ${taken.map((each) => each.name).join(', ')}` : ''}`,
      });
      continue;
    }
    if (field.kind !== 'array' && texts.length > 1) {
      issues.push({
        path: [name],
        code: 'invalid_type',
        message: `"${name}" takes one value, and was given ${texts.length}`,
      });
      continue;
    }
    input[name] = parameterValue(field, texts);
  }
  if (issues.length > 0) throw invalid(issues);
  for (const [name, text] of Object.entries(pathValues)) {
    const field = fields.get(name) as InputField;
    input[name] = parameterValue(field, [text]);
  }
  if (Object.keys(input).length === 0 && operation.inputOptional) return undefined;
  return input;
}

/**
 * The input of a POST, PUT or PATCH: its JSON body (an object, or nothing when the operation
 * needs nothing beyond its path) with its path values. A body naming a path field differently
 * from the path is refused: which one was meant cannot be known.
 */
export function inputOfBody(pathValues: Record<string, string>, body: unknown): unknown {
  const hasPathValues = Object.keys(pathValues).length > 0;
  if (body === undefined) return hasPathValues ? { ...pathValues } : undefined;
  if (!hasPathValues) return body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ path: [], code: 'invalid_type', message: 'The body must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const [name, value] of Object.entries(pathValues)) {
    if (name in fields && fields[name] !== value) {
      issues.push({
        path: [name],
        code: 'custom',
        message: `"${name}" is ${JSON.stringify(value)} in the path and ${JSON.stringify(fields[name])} in the body; leave it out of the body`,
      });
    }
  }
  if (issues.length > 0) throw invalid(issues);
  return { ...fields, ...pathValues };
}
