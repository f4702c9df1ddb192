// Comments and notes both ways, against a real platform and a Hjelpa that sends every webhook twice.
import { type Assignment, isNationalIdNumber } from '@takst/sdk';
import { hjelpaSignature } from '@takst/simulated-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Harness,
  HJELPA_WEBHOOK_SECRET,
  ownComments,
  type RunningConnector,
  startHarness,
} from './support/harness';

let harness: Harness;
let connector: RunningConnector;

beforeAll(async () => {
  // Every delivered webhook comes a second time, flagged as a redelivery.
  harness = await startHarness({ redeliveryRate: 1 });
  connector = await harness.startConnector();
});

afterAll(async () => {
  await harness?.close();
});

async function linkedAssignment(tickets = 1): Promise<{ assignment: Assignment; ticketIds: number[] }> {
  const assignment = await harness.newAssignment();
  const ticketIds: number[] = [];
  for (let index = 0; index < tickets; index += 1) {
    ticketIds.push((await harness.staff.createTicket({ oppdragsnummer: assignment.reference })).id);
  }
  await eventually(async () => (await harness.linkedTickets(assignment.id)).length === tickets);
  return { assignment, ticketIds };
}

const notesOf = (assignmentId: string, count: number) =>
  eventually(async () => {
    const notes = await harness.notes(assignmentId);
    return notes.length >= count ? notes : null;
  });

describe('from the desk to the platform', () => {
  it('makes one note of each public reply and internal note people write, however often it is delivered', async () => {
    const { assignment, ticketIds } = await linkedAssignment();
    const ticketId = ticketIds[0] as number;
    const reply = await harness.staff.comment(ticketId, 'Takstmannen kommer tirsdag.', {
      public: true,
      author: 'Siri Support',
    });
    const internal = await harness.staff.comment(ticketId, 'Kunden var sint i telefonen.', { public: false });
    await notesOf(assignment.id, 2);
    // Hjelpa's own redelivery of each, and a person pressing "send again" on the reply's webhook.
    const replyEvent = harness.hjelpa.webhookAttempts.find(
      (attempt) => attempt.type === 'comment.created' && attempt.redelivery === false && attempt.status === 204,
    );
    await harness.staff.redeliver(replyEvent?.eventId as string);
    await harness.hjelpa.webhooksIdle();

    const notes = await harness.notes(assignment.id);
    expect(notes).toHaveLength(2);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          author: 'Siri Support',
          sourceSystem: 'support-desk',
          externalId: String(reply.id),
          text: `[Hjelpa #${ticketId}, public reply] Takstmannen kommer tirsdag.`,
        }),
        expect.objectContaining({
          author: 'Siri Support',
          sourceSystem: 'support-desk',
          externalId: String(internal.id),
          text: `[Hjelpa #${ticketId}, internal note] Kunden var sint i telefonen.`,
        }),
      ]),
    );
    const redeliveries = harness.hjelpa.webhookAttempts.filter(
      (attempt) => attempt.type === 'comment.created' && attempt.redelivery && attempt.status === 204,
    );
    expect(redeliveries.length).toBeGreaterThanOrEqual(3);
    expect(connector.lines.filter((line) => line.action === 'desk webhook repeat passed over').length).toBeGreaterThan(
      0,
    );
    // The connector's notes are its own change: nothing of them comes back to the ticket.
    expect(ownComments(await harness.desk.comments(ticketId))).toEqual([]);
  });

  it('says on the ticket when the platform refuses a comment, and carries the rest', async () => {
    const { assignment, ticketIds } = await linkedAssignment();
    const ticketId = ticketIds[0] as number;
    // The platform never stores a national identity number; find one that counts as one.
    const nationalId = Array.from({ length: 10_000 }, (_, n) => `0101901${String(n).padStart(4, '0')}`).find(
      isNationalIdNumber,
    ) as string;
    const refused = await harness.staff.comment(ticketId, `Fødselsnummeret er ${nationalId}`, { public: false });
    await harness.staff.comment(ticketId, 'Neste kommentar', { public: false });
    const remark = await eventually(async () => ownComments(await harness.desk.comments(ticketId))[0]);
    expect(remark).toMatchObject({
      externalKey: `takst-refused:${refused.id}`,
      public: false,
      body: expect.stringContaining(`Comment #${refused.id} was not copied to Takst`),
    });
    const notes = await notesOf(assignment.id, 1);
    await harness.hjelpa.webhooksIdle();
    expect(notes.map((note) => note.text)).toEqual([`[Hjelpa #${ticketId}, internal note] Neste kommentar`]);
    expect(ownComments(await harness.desk.comments(ticketId))).toHaveLength(1);
  });

  it('refuses a webhook whose signature does not hold, and does nothing with it', async () => {
    const { assignment, ticketIds } = await linkedAssignment();
    const ticketId = ticketIds[0] as number;
    const body = JSON.stringify({
      id: 'hjev_forged',
      type: 'comment.created',
      createdAt: new Date().toISOString(),
      redelivery: false,
      data: {
        ticket: { id: ticketId, customFields: {} },
        comment: { id: 999_999, ticketId, author: 'Mallory', body: 'forged', public: true, createdAt: '' },
      },
    });
    const now = Math.floor(Date.now() / 1000);
    const post = (signature: string | null) =>
      fetch(`${connector.url}/hjelpa/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-hjelpa-signature': signature } : {}) },
        body,
      });
    expect((await post(hjelpaSignature('not-the-secret', now, body))).status).toBe(400);
    expect((await post(null)).status).toBe(400);
    expect((await post(hjelpaSignature(HJELPA_WEBHOOK_SECRET, now - 3600, body))).status).toBe(400);
    expect(await harness.notes(assignment.id)).toEqual([]);
    expect(connector.lines.filter((line) => line.action === 'desk webhook refused').map((line) => line.reason)).toEqual(
      expect.arrayContaining(['bad_signature', 'missing_signature', 'timestamp_out_of_range']),
    );
    // Signed properly, the same body is taken.
    expect((await post(hjelpaSignature(HJELPA_WEBHOOK_SECRET, now, body))).status).toBe(204);
    expect((await notesOf(assignment.id, 1))[0]).toMatchObject({ externalId: '999999', author: 'Mallory' });
  });
});

describe('from the platform to the desk', () => {
  it('writes a note added in the platform as an internal comment on every linked ticket, once', async () => {
    const { assignment, ticketIds } = await linkedAssignment(2);
    const note = await harness.admin.notes.add.mutate({
      assignmentId: assignment.id,
      author: 'Astrid Takstmann',
      text: 'Nøkkelen ligger i postkassen.',
    });
    for (const ticketId of ticketIds) {
      const comments = await eventually(async () => {
        const found = ownComments(await harness.desk.comments(ticketId));
        return found.length > 0 ? found : null;
      });
      expect(comments).toEqual([
        expect.objectContaining({
          body: 'Nøkkelen ligger i postkassen.',
          author: 'Astrid Takstmann (Takst)',
          public: false,
          externalKey: `takst-note:${note.id}`,
        }),
      ]);
    }
    await harness.hjelpa.webhooksIdle();
    // Hjelpa's webhooks of those comments came back to the connector, which knew them by their key.
    expect(await harness.notes(assignment.id)).toEqual([expect.objectContaining({ id: note.id })]);
    expect(connector.lines.some((line) => line.action === 'own comment passed over')).toBe(true);
  });

  it('says each status change on the linked tickets, once per event', async () => {
    const { assignment, ticketIds } = await linkedAssignment(2);
    const confirmed = await harness.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'confirmed',
      expectedVersion: assignment.version,
    });
    await harness.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'on_hold',
      reason: 'Kunden er bortreist',
      expectedVersion: confirmed.version,
    });
    const events = await harness.admin.events.list.query({
      entityId: assignment.id,
      types: ['assignment.status_changed'],
    });
    expect(events.items).toHaveLength(2);
    for (const ticketId of ticketIds) {
      const comments = await eventually(async () => {
        const found = ownComments(await harness.desk.comments(ticketId));
        return found.length === 2 ? found : null;
      });
      expect(comments.map(({ body, externalKey, public: shown }) => ({ body, externalKey, public: shown }))).toEqual([
        { body: 'Status: received → confirmed', externalKey: `takst-event:${events.items[0]?.id}`, public: false },
        {
          body: 'Status: confirmed → on_hold\nReason: Kunden er bortreist',
          externalKey: `takst-event:${events.items[1]?.id}`,
          public: false,
        },
      ]);
    }
  });

  it('passes over notes it wrote itself and assignments without tickets', async () => {
    const { assignment, ticketIds } = await linkedAssignment();
    const ticketId = ticketIds[0] as number;
    const comment = await harness.staff.comment(ticketId, 'Fra kundestøtte', { public: false });
    const [note] = await notesOf(assignment.id, 1);
    expect(note?.externalId).toBe(String(comment.id));
    const lonely = await harness.newAssignment();
    const lonelyNote = await harness.admin.notes.add.mutate({
      assignmentId: lonely.id,
      author: 'A',
      text: 'Ingen sak',
    });
    await eventually(async () =>
      connector.lines.some((line) => line.action === 'no linked ticket' && line.noteId === lonelyNote.id),
    );
    const noteEvent = (await harness.admin.events.list.query({ entityId: note?.id as string, types: ['note.added'] }))
      .items[0];
    expect(noteEvent?.actor.id).toBe(harness.connectorClientId);
    await eventually(async () =>
      connector.lines.some((line) => line.action === 'own change passed over' && line.eventId === noteEvent?.id),
    );
    expect(ownComments(await harness.desk.comments(ticketId))).toEqual([]);
  });
});
