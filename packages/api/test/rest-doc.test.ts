import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES_END, ROUTES_START, renderRestRoutes } from '../src/rest/routes-doc';

/** A table's cells, whatever padding a formatter gave them. */
const cells = (table: string) =>
  table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim().replace(/^-+$/, '---'))
        .join('|'),
    );

describe('docs/rest.md', () => {
  it('lists every REST route the router has (run `npm run docs:rest` after changing one)', () => {
    const document = readFileSync(new URL('../../../docs/rest.md', import.meta.url), 'utf8');
    const committed = document.slice(
      document.indexOf(ROUTES_START) + ROUTES_START.length,
      document.indexOf(ROUTES_END),
    );
    expect(cells(committed)).toEqual(cells(renderRestRoutes()));
  });
});
