import { DomainError } from '../errors';

type Path = (string | number)[];

/** Far deeper than any input schema goes. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Array elements and object members one call's input may hold: a bulk call of 500 full
 * assignments holds about 40,000, a report of 1,000 findings about 9,000.
 */
export const MAX_INPUT_VALUES = 100_000;

export const NUL_TEXT_MESSAGE = 'Text may not hold a NUL character (\\u0000)';
export const LONE_SURROGATE_MESSAGE = 'Text may not hold a lone UTF-16 surrogate (\\ud800–\\udfff unpaired)';

// String.prototype.isWellFormed (Node.js 20+) is newer than the ES2023 library the types use.
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why PostgreSQL could not store this text, or null: a NUL character, or a lone surrogate. */
function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return NUL_TEXT_MESSAGE;
  return isWellFormed(text) ? null : LONE_SURROGATE_MESSAGE;
}
const TOO_DEEP_MESSAGE = `Input may be nested at most ${MAX_INPUT_DEPTH} levels deep`;
export const TOO_MANY_VALUES_MESSAGE = `Input may hold at most ${MAX_INPUT_VALUES} values (array elements and object members)`;

/** An object or array met on the walk; primitives are checked where they are met, never kept. */
interface Container {
  node: object;
  parent: number;
  key: string | number;
  depth: number;
}

function pathTo(containers: Container[], index: number): Path {
  const path: Path = [];
  for (let at = index; at > 0; at = containers[at]?.parent ?? 0) path.unshift(containers[at]?.key ?? '');
  return path;
}

export const inputRefusal = (path: Path, message: string, code: string) =>
  new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', `Invalid input: ${path.join('.') || '(input)'}: ${message}`, {
    issues: [{ path, message, code }],
  });

/**
 * What input as it was sent must not hold, whatever its schema: nesting deeper than any schema
 * goes (walking it would exhaust the stack), more values than any call needs (a body of millions
 * of numbers would cost seconds and hundreds of megabytes further on), and text PostgreSQL
 * cannot store: a NUL character (which also breaks the protocol inside a statement's text) or a
 * lone UTF-16 surrogate (valid JSON, but not valid UTF-8). Returns the refusal, or null.
 * `itemsCheckedOneByOne`: the text check is left to each item, so one bad item fails alone.
 *
 * Walks without recursion, keeping only containers (with their parents instead of paths) and
 * stopping at the value bound, so even hostile input costs little time and no memory to speak of.
 */
export function refusalOfRawInput(
  input: unknown,
  options: { itemsCheckedOneByOne?: boolean } = {},
): DomainError | null {
  const checkText = !options.itemsCheckedOneByOne;
  const unstorable = checkText && typeof input === 'string' ? unstorableText(input) : null;
  if (unstorable) return inputRefusal([], unstorable, 'invalid_string');
  if (typeof input !== 'object' || input === null) return null;
  const containers: Container[] = [{ node: input, parent: -1, key: '', depth: 0 }];
  const pending = [0];
  let values = 0;
  for (let index = pending.pop(); index !== undefined; index = pending.pop()) {
    const { node, depth } = containers[index] as Container;
    if (depth >= MAX_INPUT_DEPTH) return inputRefusal(pathTo(containers, index), TOO_DEEP_MESSAGE, 'too_deep');
    const keys: (string | number)[] | null = Array.isArray(node) ? null : Object.keys(node);
    const count = keys ? keys.length : (node as unknown[]).length;
    values += count;
    if (values > MAX_INPUT_VALUES) return inputRefusal([], TOO_MANY_VALUES_MESSAGE, 'too_big');
    for (let i = 0; i < count; i++) {
      const key = keys ? (keys[i] as string) : i;
      const child: unknown = (node as Record<string | number, unknown>)[key];
      if (typeof child === 'string') {
        const unstorable = checkText ? unstorableText(child) : null;
        if (unstorable) return inputRefusal([...pathTo(containers, index), key], unstorable, 'invalid_string');
      } else if (typeof child === 'object' && child !== null) {
        containers.push({ node: child, parent: index, key, depth: depth + 1 });
        pending.push(containers.length - 1);
      }
    }
  }
  return null;
}
