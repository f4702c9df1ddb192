import type { AddNoteInput, ListNotesInput } from '@takst/contract';
import { AssignmentEntity, type EntityManager, type Note, NoteEntity } from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { DomainError, notFound } from '../errors';
import { lockKeyForTransaction } from '../lib/read-model';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { listNoteRows } from './read-model';

async function assertAssignmentExists(em: EntityManager, id: string): Promise<void> {
  if ((await em.count(AssignmentEntity, { id })) === 0) {
    throw notFound('ASSIGNMENT_NOT_FOUND', `No assignment with id ${id}`);
  }
}

/** The note's author: as given, else the person acting; an API client on its own must name one. */
function authorOf(ctx: ServiceContext, given: string | undefined): string {
  const author = given ?? ctx.actor.user?.name;
  if (author !== undefined) return author;
  const message = 'required when an API client acts on its own (a person’s notes carry their name)';
  throw new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', `Invalid input: author: ${message}`, {
    issues: [{ path: ['author'], message, code: 'custom' }],
  });
}

/**
 * The note already copied from this system's note of this id, under a transaction-scoped lock
 * on that id: a second delivery of the same comment waits, then finds the first one's note.
 */
async function lockAndFindCopiedNote(tx: EntityManager, input: AddNoteInput): Promise<Note | null> {
  if (input.externalId === undefined || input.sourceSystem === undefined) return null;
  const key = { assignmentId: input.assignmentId, sourceSystem: input.sourceSystem, externalId: input.externalId };
  await lockKeyForTransaction(tx, `note:${JSON.stringify(Object.values(key))}`);
  return tx.findOne(NoteEntity, key);
}

export function addNote(ctx: ServiceContext, input: AddNoteInput): Promise<Note> {
  const author = authorOf(ctx, input.author);
  return inTransaction(ctx.em, async (tx) => {
    await assertAssignmentExists(tx, input.assignmentId);
    const copied = await lockAndFindCopiedNote(tx, input);
    if (copied) return copied;
    const now = new Date();
    const note = tx.create(NoteEntity, {
      id: uuidv7(now.getTime()),
      assignmentId: input.assignmentId,
      author,
      sourceSystem: input.sourceSystem ?? null,
      externalId: input.externalId ?? null,
      text: input.text,
      actorId: ctx.actor.clientId,
      userId: ctx.actor.user?.id ?? null,
      createdAt: now,
    });
    recordAudit(tx, ctx, {
      entityType: 'note',
      entityId: note.id,
      action: 'created',
      before: null,
      after: snapshot(note),
    });
    await tx.flush();
    return note;
  });
}

export async function listNotes(em: EntityManager, input: ListNotesInput) {
  await assertAssignmentExists(em, input.assignmentId);
  return listNoteRows(em, input);
}
