// The connector as its own process (`node --import tsx src/main.ts`, as `npm start` runs it),
// stopped and started again with the same checkpoint file while work goes on on both sides,
// and killed between writing to the desk and saving its checkpoint.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, type LogLine, ownComments, startHarness } from './support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

const checkpointSequence = () =>
  (JSON.parse(readFileSync(harness.checkpointFile, 'utf8')) as { sequence: number }).sequence;

const deskWrites = (lines: LogLine[]) =>
  lines.filter((line) => line.action === 'desk comment written' || line.action === 'desk comment already there');

describe('support-sync across restarts', () => {
  it('stops on SIGTERM and, started again, carries what happened meanwhile: nothing lost, nothing twice', async () => {
    const first = harness.spawnConnector();
    await first.ready();
    const assignment = await harness.newAssignment();
    const ticket = await harness.staff.createTicket({ oppdragsnummer: assignment.reference });
    await eventually(async () => (await harness.linkedTickets(assignment.id)).length === 1);
    const before = await harness.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Astrid', text: 'Før' });
    await eventually(async () => ownComments(await harness.desk.comments(ticket.id)).length === 1);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.lines().map((line) => line.action)).toEqual(
      expect.arrayContaining(['support-sync stopping', 'platform events stopped', 'support-sync stopped']),
    );
    const stoppedAt = checkpointSequence();

    // While it is down: notes and a status change in the platform, comments in the desk (whose
    // webhooks fail now and are tried again by Hjelpa).
    const whileDown = [
      await harness.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Astrid', text: 'Mens nede 1' }),
      await harness.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Astrid', text: 'Mens nede 2' }),
    ];
    await harness.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'confirmed',
      expectedVersion: (await harness.admin.assignments.get.query({ id: assignment.id })).version,
    });
    const deskComments = [
      await harness.staff.comment(ticket.id, 'Kunden ringte', { public: false }),
      await harness.staff.comment(ticket.id, 'Vi ringer tilbake', { public: true }),
    ];
    await eventually(async () =>
      harness.hjelpa.webhookAttempts.some((attempt) => attempt.type === 'comment.created' && attempt.status === null),
    );

    const second = harness.spawnConnector();
    await second.ready();
    const comments = await eventually(async () => {
      const found = ownComments(await harness.desk.comments(ticket.id));
      return found.length >= 4 ? found : null;
    });
    const fromDesk = await eventually(async () => {
      const found = (await harness.notes(assignment.id)).filter((note) => note.sourceSystem === 'support-desk');
      return found.length >= 2 ? found : null;
    });
    await harness.hjelpa.webhooksIdle();

    expect(comments.map((comment) => comment.externalKey)).toEqual([
      `takst-note:${before.id}`,
      `takst-note:${whileDown[0]?.id}`,
      `takst-note:${whileDown[1]?.id}`,
      expect.stringMatching(/^takst-event:/),
    ]);
    expect(comments[3]?.body).toBe('Status: received → confirmed');
    expect(ownComments(await harness.desk.comments(ticket.id))).toHaveLength(4);
    expect(fromDesk.map((note) => note.externalId).sort()).toEqual(deskComments.map((c) => String(c.id)).sort());
    expect((await harness.notes(assignment.id)).filter((note) => note.sourceSystem === 'support-desk')).toHaveLength(2);
    // The second run began after the first one's checkpoint: the note handled before the stop was not handled again.
    expect(deskWrites(second.lines()).map((line) => line.noteId)).not.toContain(before.id);
    expect(deskWrites(second.lines()).every((line) => line.action === 'desk comment written')).toBe(true);
    expect(Math.min(...deskWrites(second.lines()).map((line) => line.sequence as number))).toBeGreaterThan(stoppedAt);
    await eventually(async () => checkpointSequence() > stoppedAt);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('killed after writing to the desk but before saving its checkpoint, writes nothing twice', async () => {
    const crashing = harness.spawnConnector({ SUPPORT_SYNC_CRASH_AT: 'after-desk-comment' });
    await crashing.ready();
    const assignment = await harness.newAssignment();
    const ticket = await harness.staff.createTicket({ oppdragsnummer: assignment.reference });
    await eventually(async () => (await harness.linkedTickets(assignment.id)).length === 1);
    const checkpointBefore = checkpointSequence();
    const note = await harness.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Astrid', text: 'Krasj' });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    expect(deskWrites(crashing.lines())).toEqual([
      expect.objectContaining({ action: 'desk comment written', noteId: note.id }),
    ]);
    expect(checkpointSequence()).toBe(checkpointBefore);

    const again = harness.spawnConnector();
    await again.ready();
    await eventually(async () => checkpointSequence() > checkpointBefore);
    expect(deskWrites(again.lines())).toEqual([
      expect.objectContaining({ action: 'desk comment already there', noteId: note.id }),
    ]);
    expect(ownComments(await harness.desk.comments(ticket.id))).toEqual([
      expect.objectContaining({ externalKey: `takst-note:${note.id}`, body: 'Krasj' }),
    ]);
    expect(await again.stop('SIGTERM')).toBe(0);
  });

  it('waits out a desk that is down, and then writes what it could not, once', async () => {
    const connector = await harness.startConnector();
    const assignment = await harness.newAssignment();
    const ticket = await harness.staff.createTicket({ oppdragsnummer: assignment.reference });
    await eventually(async () => (await harness.linkedTickets(assignment.id)).length === 1);
    const desk = await harness.stopDesk();
    const note = await harness.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Astrid', text: 'Nede' });
    await eventually(
      async () =>
        connector.lines.some((line) => line.action === 'platform event failed; starting again from the checkpoint'),
      15_000,
    );
    await desk.startAgain();
    const comments = await eventually(async () => {
      const found = ownComments(await harness.desk.comments(ticket.id));
      return found.length > 0 ? found : null;
    }, 15_000);
    expect(comments).toEqual([expect.objectContaining({ externalKey: `takst-note:${note.id}`, body: 'Nede' })]);
    await connector.stop();
  });
});
