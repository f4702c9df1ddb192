import { DomainError } from '../errors';

type Path = (string | number)[];

/** Far deeper than any input schema goes. */
export const MAX_INPUT_DEPTH = 32;

export const NUL_TEXT_MESSAGE = 'Text may not hold a NUL character (\\u0000)';
const TOO_DEEP_MESSAGE = `Input may be nested at most ${MAX_INPUT_DEPTH} levels deep`;

interface Frame {
  node: unknown;
  parent: number;
  key: string | number;
  depth: number;
}

function pathTo(frames: Frame[], index: number): Path {
  const path: Path = [];
  for (let at = index; at > 0; at = frames[at]?.parent ?? 0) path.unshift(frames[at]?.key ?? '');
  return path;
}

const refusal = (path: Path, message: string, code: string) =>
  new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', `Invalid input: ${path.join('.') || '(input)'}: ${message}`, {
    issues: [{ path, message, code }],
  });

/**
 * What input as it was sent must not hold, whatever its schema: nesting deeper than any schema
 * goes (walking it would exhaust the stack), and text with a NUL character, which PostgreSQL cannot
 * store and which breaks the protocol inside a statement's text. Returns the refusal, or null.
 * Walks without recursion, keeping parents instead of paths, so even hostile input costs linear time.
 */
export function refusalOfRawInput(input: unknown, options: { allowNul?: boolean } = {}): DomainError | null {
  const frames: Frame[] = [{ node: input, parent: -1, key: '', depth: 0 }];
  const pending = [0];
  for (let index = pending.pop(); index !== undefined; index = pending.pop()) {
    const { node, depth } = frames[index] as Frame;
    if (typeof node === 'string') {
      if (!options.allowNul && node.includes('\u0000')) {
        return refusal(pathTo(frames, index), NUL_TEXT_MESSAGE, 'invalid_string');
      }
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return refusal(pathTo(frames, index), TOO_DEEP_MESSAGE, 'too_deep');
    const children: [string | number, unknown][] = Array.isArray(node)
      ? node.map((child, key) => [key, child])
      : Object.entries(node);
    for (const [key, child] of children) {
      frames.push({ node: child, parent: index, key, depth: depth + 1 });
      pending.push(frames.length - 1);
    }
  }
  return null;
}
