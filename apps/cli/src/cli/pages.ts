import type { OptionSpec, Options } from './args';
import type { OutputStream } from './io';
import { writeLine } from './io';

export const PAGE_OPTIONS = {
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const satisfies OptionSpec;

export const PAGE_HELP = `  --limit <N>              items per page, 1-200 (default 50)
  --cursor <cursor>        the page after this cursor (printed on stderr after a page)
  --all                    every page, one after another`;

export interface Paging {
  limit: number;
  cursor: string | undefined;
  all: boolean;
}

export function readPaging(options: Options): Paging {
  return { limit: options.int('limit', 1, 200) ?? 50, cursor: options.string('cursor'), all: options.flag('all') };
}

interface Page {
  items: unknown[];
  nextCursor: string | null;
}

/** One page, or with --all every page; after a single page, the next cursor goes to stderr. */
export async function* pages<P extends Page>(
  paging: Paging,
  fetch: (input: { limit: number; cursor?: string }) => Promise<P>,
  stderr?: OutputStream,
): AsyncGenerator<P> {
  let cursor = paging.cursor;
  for (;;) {
    const page = await fetch({ limit: paging.limit, ...(cursor ? { cursor } : {}) });
    yield page;
    if (!page.nextCursor) return;
    if (!paging.all) {
      if (stderr) await writeLine(stderr, `More: --cursor ${page.nextCursor} (or --all)`);
      return;
    }
    cursor = page.nextCursor;
  }
}
