import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src';

describe('docs/errors.md', () => {
  it('names every error code a caller can meet, and none that does not exist', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });
});
