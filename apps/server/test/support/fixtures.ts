import type { RouterInputs } from '@takst/sdk';

type CreateInput = RouterInputs['assignments']['create'];

/** A valid create input; tests override what they are about. */
export function assignmentInput(overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    type: 'condition_report',
    property: {
      address: { street: 'Storgata 12', postalCode: '0155', city: 'Oslo' },
      cadastre: { municipality: '0301', gnr: 208, bnr: 84 },
    },
    client: { name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567' },
    dueDate: '2026-12-24',
    notes: 'Key in the mailbox',
    ...overrides,
  };
}

/** A condition report's content with one item: the least a draft needs. */
export const conditionReportContent: RouterInputs['reports']['createDraft']['content'] = {
  kind: 'condition',
  standardVersion: 'NS3600:2018',
  items: [{ section: 'Tak', buildingPart: 'Taktekking', grade: 'TG1', description: 'Normal slitasje' }],
};

/**
 * Every page of a cursor list, fetched in order, and the size of each page. Stops after
 * `maxPages`, so a cursor that never ends cannot hang a test.
 */
export async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  maxPages = 100,
): Promise<{ items: T[]; pages: number; pageSizes: number[] }> {
  const items: T[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    pageSizes.push(page.items.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pageSizes.length < maxPages);
  return { items, pages: pageSizes.length, pageSizes };
}

/** Runs `work` and returns what it threw (or fails the test when it does not throw). */
export async function caught(
  work: () => Promise<unknown>,
): Promise<{ message: string; data: Record<string, unknown> }> {
  try {
    await work();
  } catch (error) {
    return error as { message: string; data: Record<string, unknown> };
  }
  throw new Error('expected the call to fail, and it succeeded');
}
