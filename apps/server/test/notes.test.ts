import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

const newAssignment = async () => (await server.admin.assignments.create.mutate(assignmentInput())).id;

const noteCount = async (assignmentId: string) =>
  Number(
    (
      await query<{ count: string }>(server.databaseUrl, 'select count(*) from notes where assignment_id = $1', [
        assignmentId,
      ])
    )[0]?.count,
  );

describe('notes.add', () => {
  it('adds a note with its author and source system, and audits it', async () => {
    const assignmentId = await newAssignment();
    const note = await server.admin.notes.add.mutate({
      assignmentId,
      author: 'Sara Support',
      sourceSystem: 'support',
      text: '  Kunden ringte og ba om ny befaringsdato.  ',
    });
    expect(note).toMatchObject({
      assignmentId,
      author: 'Sara Support',
      sourceSystem: 'support',
      text: 'Kunden ringte og ba om ny befaringsdato.',
    });
    expect(new Date(note.createdAt).toISOString()).toBe(note.createdAt);
    const audit = await query<{ action: string; actor_name: string; changes: Record<string, { to: unknown }> }>(
      server.databaseUrl,
      "select action, actor_name, changes from audit_log where entity_type = 'note' and entity_id = $1",
      [note.id],
    );
    expect(audit).toEqual([expect.objectContaining({ action: 'created', actor_name: 'bootstrap-admin' })]);
    expect(audit[0]?.changes.text?.to).toBe(note.text);
  });

  it('adds a note copied from a connected system once, however often it is delivered', async () => {
    const assignmentId = await newAssignment();
    const copy = {
      assignmentId,
      author: 'Kari Kunde',
      sourceSystem: 'support-desk',
      externalId: '4711',
      text: 'Nøkkel i postkassen',
    };
    const [first, second] = await Promise.all([
      server.admin.notes.add.mutate(copy),
      server.admin.notes.add.mutate(copy),
    ]);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ sourceSystem: 'support-desk', externalId: '4711' });
    const again = await server.admin.notes.add.mutate(copy);
    expect(again.id).toBe(first.id);
    expect(await noteCount(assignmentId)).toBe(1);
    const events = await query<{ count: string }>(
      server.databaseUrl,
      "select count(*) from events where type = 'note.added' and entity_id = $1",
      [first.id],
    );
    expect(Number(events[0]?.count)).toBe(1);

    // The same comment copied to a second assignment is a second note; another comment id, another note.
    const otherAssignment = await newAssignment();
    expect((await server.admin.notes.add.mutate({ ...copy, assignmentId: otherAssignment })).id).not.toBe(first.id);
    expect((await server.admin.notes.add.mutate({ ...copy, externalId: '4712' })).id).not.toBe(first.id);
    expect(await noteCount(assignmentId)).toBe(2);
  });

  it('refuses an externalId without the system it comes from', async () => {
    const assignmentId = await newAssignment();
    const error = await caught(() =>
      server.admin.notes.add.mutate({ assignmentId, author: 'Per', externalId: '1', text: 'Hei' }),
    );
    expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(await noteCount(assignmentId)).toBe(0);
  });

  it('leaves the source system null when none is given', async () => {
    const note = await server.admin.notes.add.mutate({
      assignmentId: await newAssignment(),
      author: 'Per',
      text: 'Hei',
    });
    expect(note.sourceSystem).toBeNull();
  });

  it.each([
    ['a national identity number in the text', { text: 'Fødselsnummer 01019012480 til eier' }, ['text']],
    ['one written with a space', { text: 'fnr 010190 12480' }, ['text']],
    ['a national identity number as author', { author: '01019012480' }, ['author']],
    ['an empty text', { text: '   ' }, ['text']],
    ['a text over 10,000 characters', { text: 'x'.repeat(10_001) }, ['text']],
  ])('refuses %s and writes nothing', async (_name, override, path) => {
    const assignmentId = await newAssignment();
    const error = await caught(() =>
      server.admin.notes.add.mutate({ assignmentId, author: 'Sara', text: 'Hei', ...override }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await noteCount(assignmentId)).toBe(0);
  });

  it('accepts numbers that are not national identity numbers', async () => {
    const note = await server.admin.notes.add.mutate({
      assignmentId: await newAssignment(),
      author: 'Sara',
      text: 'Ring +47 912 34 567, ordre 123456789012, org.nr 923609016',
    });
    expect(note.text).toContain('923609016');
  });

  it('answers ASSIGNMENT_NOT_FOUND for an unknown assignment', async () => {
    const error = await caught(() =>
      server.admin.notes.add.mutate({ assignmentId: UNKNOWN_ID, author: 'Sara', text: 'Hei' }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });
});

describe('notes.list', () => {
  it('pages through an assignment’s notes oldest first, and only that assignment’s', async () => {
    const assignmentId = await newAssignment();
    const other = await newAssignment();
    const texts = Array.from({ length: 7 }, (_, i) => `Note ${i + 1}`);
    for (const text of texts) {
      await server.admin.notes.add.mutate({ assignmentId, author: 'Sara', text });
      await server.admin.notes.add.mutate({ assignmentId: other, author: 'Sara', text: `other ${text}` });
    }
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await server.admin.notes.list.query({ assignmentId, limit: 3, cursor });
      seen.push(...page.items.map((n) => n.text));
      pageSizes.push(page.items.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(texts);
    expect(pageSizes).toEqual([3, 3, 1]);
  });

  it('uses a default limit, and an empty list for an assignment without notes', async () => {
    const page = await server.admin.notes.list.query({ assignmentId: await newAssignment() });
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  it('ends with a null cursor when the last page is exactly full', async () => {
    const assignmentId = await newAssignment();
    for (const text of ['a', 'b']) await server.admin.notes.add.mutate({ assignmentId, author: 'Sara', text });
    const page = await server.admin.notes.list.query({ assignmentId, limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue and limits out of range', async () => {
    const assignmentId = await newAssignment();
    const garbage = await caught(() => server.admin.notes.list.query({ assignmentId, cursor: 'not-a-cursor' }));
    expect(garbage.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'x'])).toString('base64url');
    const badId = await caught(() => server.admin.notes.list.query({ assignmentId, cursor: forged }));
    expect(badId.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
    for (const limit of [0, 201]) {
      const error = await caught(() => server.admin.notes.list.query({ assignmentId, limit }));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    }
  });

  it('answers ASSIGNMENT_NOT_FOUND for an unknown assignment', async () => {
    const error = await caught(() => server.admin.notes.list.query({ assignmentId: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });
});

describe('scopes', () => {
  it('lets assignments:read list notes but not add them', async () => {
    const assignmentId = await newAssignment();
    await server.admin.notes.add.mutate({ assignmentId, author: 'Sara', text: 'Hei' });
    const reader = await server.clientWithScopes(['assignments:read']);
    expect((await reader.notes.list.query({ assignmentId })).items).toHaveLength(1);
    const error = await caught(() => reader.notes.add.mutate({ assignmentId, author: 'Sara', text: 'Hei igjen' }));
    expect(error.data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'MISSING_SCOPE',
      requiredScope: 'assignments:write',
    });
    expect(await noteCount(assignmentId)).toBe(1);
  });

  it('refuses listing to a client without assignments:read', async () => {
    const other = await server.clientWithScopes(['parties:read']);
    const error = await caught(() => other.notes.list.query({ assignmentId: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:read' });
  });
});
