// Tickets linked to assignments by their oppdragsnummer, against a real platform and Hjelpa.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, ownComments, type RunningConnector, startHarness } from './support/harness';

let harness: Harness;
let connector: RunningConnector;

beforeAll(async () => {
  harness = await startHarness();
  connector = await harness.startConnector();
});

afterAll(async () => {
  await harness?.close();
});

const linkedTo = (assignmentId: string, count: number) =>
  eventually(async () => {
    const tickets = await harness.linkedTickets(assignmentId);
    return tickets.length === count ? tickets : null;
  });

describe('linking tickets', () => {
  it('links a ticket to the assignment its oppdragsnummer names, with its first message as a note', async () => {
    const assignment = await harness.newAssignment();
    const ticket = await harness.staff.createTicket({
      oppdragsnummer: assignment.reference,
      description: 'Når kommer takstmannen?',
    });
    expect(await linkedTo(assignment.id, 1)).toEqual([String(ticket.id)]);
    const resolved = await harness.admin.externalRefs.resolve.query({
      system: 'support-desk',
      externalId: String(ticket.id),
      entityType: 'assignment',
    });
    expect(resolved.entityId).toBe(assignment.id);
    const notes = await eventually(async () => {
      const found = await harness.notes(assignment.id);
      return found.length === 1 ? found : null;
    });
    const [first] = await harness.desk.comments(ticket.id);
    expect(notes[0]).toMatchObject({
      author: 'Kari Nordmann',
      sourceSystem: 'support-desk',
      externalId: String(first?.id),
      text: `[Hjelpa #${ticket.id}, public reply] Når kommer takstmannen?`,
    });
    // Linking is the connector's own change: it says nothing about it on the ticket.
    expect(ownComments(await harness.desk.comments(ticket.id))).toEqual([]);
  });

  it('links several tickets to one assignment', async () => {
    const assignment = await harness.newAssignment();
    const tickets = [
      await harness.staff.createTicket({ oppdragsnummer: assignment.reference }),
      await harness.staff.createTicket({ oppdragsnummer: assignment.reference }),
      await harness.staff.createTicket({ oppdragsnummer: assignment.reference }),
    ];
    expect(await linkedTo(assignment.id, 3)).toEqual(tickets.map((ticket) => String(ticket.id)).sort());
  });

  it('links a ticket when the number is set later, carrying the comments written before', async () => {
    const assignment = await harness.newAssignment();
    const ticket = await harness.staff.createTicket({ description: 'Jeg har et spørsmål' });
    await harness.staff.comment(ticket.id, 'Hvilket oppdrag gjelder det?', { public: true, author: 'Siri Support' });
    await harness.hjelpa.webhooksIdle();
    expect(await harness.linkedTickets(assignment.id)).toEqual([]);

    await harness.staff.update(ticket.id, { customFields: { oppdragsnummer: assignment.reference } });
    expect(await linkedTo(assignment.id, 1)).toEqual([String(ticket.id)]);
    const notes = await eventually(async () => {
      const found = await harness.notes(assignment.id);
      return found.length === 2 ? found : null;
    });
    expect(notes.map((note) => note.text).sort()).toEqual([
      `[Hjelpa #${ticket.id}, public reply] Hvilket oppdrag gjelder det?`,
      `[Hjelpa #${ticket.id}, public reply] Jeg har et spørsmål`,
    ]);
  });

  it('says once on a ticket that its number names no assignment, and links it once corrected', async () => {
    const ticket = await harness.staff.createTicket({ oppdragsnummer: '2026-999999', description: 'Hei' });
    const remark = await eventually(async () => ownComments(await harness.desk.comments(ticket.id))[0]);
    expect(remark).toMatchObject({
      public: false,
      author: 'Takst',
      externalKey: 'takst-unknown-assignment:2026-999999',
      body: expect.stringContaining('"2026-999999"'),
    });
    // More changes to the ticket, and the same webhook again: still one remark.
    await harness.staff.update(ticket.id, { status: 'pending' });
    await harness.staff.comment(ticket.id, 'Venter på kunden', { public: false });
    const created = harness.hjelpa.webhookAttempts.find((attempt) => attempt.type === 'ticket.created');
    await harness.staff.redeliver(created?.eventId as string);
    await harness.hjelpa.webhooksIdle();
    await eventually(async () =>
      connector.lines.some((line) => line.action === 'desk remark already there' && line.ticketId === ticket.id),
    );
    expect(ownComments(await harness.desk.comments(ticket.id))).toHaveLength(1);

    // A number that is not even shaped like one is unknown too.
    await harness.staff.update(ticket.id, { customFields: { oppdragsnummer: 'oppdrag 17' } });
    await eventually(async () => ownComments(await harness.desk.comments(ticket.id)).length === 2);

    const assignment = await harness.newAssignment();
    await harness.staff.update(ticket.id, { customFields: { oppdragsnummer: assignment.reference } });
    expect(await linkedTo(assignment.id, 1)).toEqual([String(ticket.id)]);
    const notes = await eventually(async () => {
      const found = await harness.notes(assignment.id);
      return found.length === 2 ? found : null;
    });
    expect(notes.map((note) => note.text).sort()).toEqual([
      `[Hjelpa #${ticket.id}, internal note] Venter på kunden`,
      `[Hjelpa #${ticket.id}, public reply] Hei`,
    ]);
    expect(ownComments(await harness.desk.comments(ticket.id)).map((comment) => comment.externalKey)).toEqual([
      'takst-unknown-assignment:2026-999999',
      'takst-unknown-assignment:oppdrag 17',
    ]);
  });

  it('keeps a linked ticket on its assignment when its number changes, and says so once', async () => {
    const [first, second] = [await harness.newAssignment(), await harness.newAssignment()];
    const ticket = await harness.staff.createTicket({ oppdragsnummer: first.reference });
    await linkedTo(first.id, 1);
    await harness.staff.update(ticket.id, { customFields: { oppdragsnummer: second.reference } });
    await harness.staff.update(ticket.id, { status: 'pending' });
    await harness.hjelpa.webhooksIdle();
    const remarks = await eventually(async () => {
      const found = ownComments(await harness.desk.comments(ticket.id));
      return found.length > 0 ? found : null;
    });
    expect(remarks).toEqual([
      expect.objectContaining({
        externalKey: `takst-link-conflict:${second.reference}`,
        body: expect.stringContaining(`linked to assignment ${first.reference}`),
      }),
    ]);
    expect(await harness.linkedTickets(first.id)).toEqual([String(ticket.id)]);
    expect(await harness.linkedTickets(second.id)).toEqual([]);
  });
});
