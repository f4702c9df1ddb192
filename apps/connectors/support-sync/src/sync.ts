// What support-sync does, both ways. From the desk: a ticket naming an assignment by its
// oppdragsnummer is linked to it (an external reference), and the comments people write on it
// become notes there. From the platform: a note added, or a status change, becomes an internal
// comment on every ticket linked to the assignment. Each write is keyed (the link by the ticket
// id, a note by the comment id, a comment by `takst-…:<platform id>`), so doing any step twice
// changes nothing: that is what makes redeliveries, repeats after a crash and restarts harmless.

import { errorFields, KeyedQueue, type Log } from '@takst/connector-runtime';
import { isTakstError, type TakstClient, TakstError, type TakstEvent } from '@takst/sdk';
import { type Desk, type DeskComment, DeskRequestError, type DeskTicket } from './desk';

/** The `system` of the tickets' external references, and the `sourceSystem` of the notes made from comments. */
export const SYSTEM = 'support-desk';

/** Every comment this connector writes has a key starting so; comments with one are never carried back. */
export const OWN_KEY_PREFIX = 'takst-';

/** How the platform writes assignment references (`2026-000123`); anything else names no assignment. */
const REFERENCE_PATTERN = /^\d{4}-\d{6,}$/;

const NOTE_TEXT_MAX = 10_000;
const AUTHOR_MAX = 200;

/** The platform event types this connector consumes. */
export const PLATFORM_EVENT_TYPES = ['note.added', 'assignment.status_changed'];

export type DeskEvent =
  | { id: string; type: 'ticket.created' | 'ticket.updated'; redelivery?: boolean; data: { ticket: DeskTicket } }
  | { id: string; type: 'comment.created'; redelivery?: boolean; data: { ticket: DeskTicket; comment: DeskComment } };

export interface SupportSyncOptions {
  takst: TakstClient;
  desk: Desk;
  log: Log;
  /** The connector's own API client id (`me.get`): events it caused are not carried back. */
  selfClientId: string;
  /** Called after a comment was written to the desk for a platform event (a test's crash point). */
  afterDeskComment?: () => void;
}

export interface SupportSync {
  /** Handles one desk webhook; throws when it should come again (the desk or the platform failed). */
  onDeskEvent(event: DeskEvent): Promise<void>;
  /** Handles one platform event; throws when it should be handled again. */
  onPlatformEvent(event: TakstEvent): Promise<void>;
}

const REFUSAL_STATUSES = new Set([400, 404, 409, 422]);

/** The platform's answer will be the same however often asked: bad input, a rule, something not there. */
function isPlatformRefusal(error: unknown): error is TakstError {
  return (
    error instanceof TakstError &&
    error.code !== 'VERSION_CONFLICT' &&
    error.httpStatus !== null &&
    REFUSAL_STATUSES.has(error.httpStatus)
  );
}

function isDeskRefusal(error: unknown): error is DeskRequestError {
  return error instanceof DeskRequestError && (error.status === 400 || error.status === 404 || error.status === 422);
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function noteTextOf(comment: DeskComment): string {
  const kind = comment.public ? 'public reply' : 'internal note';
  return clip(`[Hjelpa #${comment.ticketId}, ${kind}] ${comment.body}`, NOTE_TEXT_MAX);
}

export function createSupportSync(options: SupportSyncOptions): SupportSync {
  const { takst, desk, log, selfClientId } = options;
  const perTicket = new KeyedQueue();

  /** The assignment the ticket is linked to, or null. */
  async function linkedAssignmentOf(ticketId: number) {
    try {
      const resolved = await takst.externalRefs.resolve.query({
        system: SYSTEM,
        externalId: String(ticketId),
        entityType: 'assignment',
      });
      return resolved.entityType === 'assignment' ? resolved.entity : null;
    } catch (error) {
      if (isTakstError(error, 'EXTERNAL_REF_NOT_FOUND')) return null;
      throw error;
    }
  }

  async function assignmentByReference(reference: string) {
    if (!REFERENCE_PATTERN.test(reference)) return null;
    try {
      return await takst.assignments.getByReference.query({ reference });
    } catch (error) {
      if (isTakstError(error, 'ASSIGNMENT_NOT_FOUND')) return null;
      throw error;
    }
  }

  /** An internal comment from the connector, once per key on the ticket. */
  async function remark(ticketId: number, externalKey: string, body: string) {
    const { created } = await desk.addComment(ticketId, { body, public: false, author: 'Takst', externalKey });
    log.info(created ? 'desk remark written' : 'desk remark already there', { ticketId, externalKey });
  }

  async function carryComment(comment: DeskComment, assignmentId: string): Promise<void> {
    if (comment.externalKey?.startsWith(OWN_KEY_PREFIX)) return;
    const fields = { ticketId: comment.ticketId, commentId: comment.id, assignmentId };
    try {
      const note = await takst.notes.add.mutate({
        assignmentId,
        author: clip(comment.author, AUTHOR_MAX),
        sourceSystem: SYSTEM,
        externalId: String(comment.id),
        text: noteTextOf(comment),
      });
      log.info('comment carried to a note', { ...fields, noteId: note.id });
    } catch (error) {
      if (!isPlatformRefusal(error)) throw error;
      log.warn('comment refused by the platform', { ...fields, ...errorFields(error) });
      await remark(
        comment.ticketId,
        `${OWN_KEY_PREFIX}refused:${comment.id}`,
        `Comment #${comment.id} was not copied to Takst: the platform refused it (${error.message}).`,
      );
    }
  }

  /**
   * Links the ticket to the assignment its oppdragsnummer names (or says on the ticket, once per
   * number, that it names none), then carries every comment people wrote on it so far: also
   * those written before the number was set. Answers the linked assignment's id, or null.
   */
  async function syncTicket(ticketId: number): Promise<string | null> {
    const ticket = await desk.ticket(ticketId);
    if (!ticket) {
      log.warn('ticket not found in the desk', { ticketId });
      return null;
    }
    const linked = await linkedAssignmentOf(ticketId);
    let assignmentId = linked?.id ?? null;
    const number = ticket.customFields.oppdragsnummer?.trim() || null;
    if (number !== null) {
      const named = await assignmentByReference(number);
      if (!named) {
        log.warn('oppdragsnummer names no assignment', { ticketId, oppdragsnummer: number });
        await remark(
          ticketId,
          `${OWN_KEY_PREFIX}unknown-assignment:${number}`,
          `Takst has no assignment with oppdragsnummer "${number}", so this ticket is not linked to one. Correct the number to link it.`,
        );
      } else if (linked && linked.id !== named.id) {
        log.warn('ticket already linked to another assignment', {
          ticketId,
          oppdragsnummer: number,
          linkedTo: linked.reference,
        });
        await remark(
          ticketId,
          `${OWN_KEY_PREFIX}link-conflict:${number}`,
          `This ticket is linked to assignment ${linked.reference} in Takst and stays linked there, so oppdragsnummer "${number}" was not linked. Open a new ticket for ${number}.`,
        );
      } else if (!linked) {
        assignmentId = await link(ticketId, named.id, number);
      }
    }
    if (assignmentId) {
      for (const comment of await desk.comments(ticketId)) await carryComment(comment, assignmentId);
    }
    return assignmentId;
  }

  async function link(ticketId: number, assignmentId: string, reference: string): Promise<string | null> {
    try {
      const { created } = await takst.externalRefs.link.mutate({
        entityType: 'assignment',
        entityId: assignmentId,
        system: SYSTEM,
        externalId: String(ticketId),
      });
      log.info(created ? 'ticket linked' : 'ticket already linked', { ticketId, assignmentId, reference });
      return assignmentId;
    } catch (error) {
      // Linked elsewhere meanwhile (another delivery of a changed number): that link stands.
      if (!isTakstError(error, 'EXTERNAL_REF_CONFLICT')) throw error;
      const now = await linkedAssignmentOf(ticketId);
      log.warn('ticket was linked to another assignment meanwhile', { ticketId, assignmentId: now?.id ?? null });
      return now?.id ?? null;
    }
  }

  async function onDeskEvent(event: DeskEvent): Promise<void> {
    const ticketId = event.data?.ticket?.id;
    if (!Number.isSafeInteger(ticketId)) {
      log.warn('desk webhook without a ticket passed over', { eventId: event.id, type: event.type });
      return;
    }
    await perTicket.run(String(ticketId), async () => {
      switch (event.type) {
        case 'ticket.created':
        case 'ticket.updated':
          await syncTicket(ticketId);
          return;
        case 'comment.created': {
          const comment = event.data.comment;
          if (comment.externalKey?.startsWith(OWN_KEY_PREFIX)) {
            log.debug('own comment passed over', { ticketId, commentId: comment.id, externalKey: comment.externalKey });
            return;
          }
          const linked = await linkedAssignmentOf(ticketId);
          // Not linked yet (the ticket's own webhook may come later): linking carries every comment, this one too.
          if (linked) await carryComment(comment, linked.id);
          else await syncTicket(ticketId);
          return;
        }
        default: {
          const other = event as { id: string; type: string };
          log.debug('desk webhook type passed over', { eventId: other.id, type: other.type });
        }
      }
    });
  }

  async function ticketsOf(assignmentId: string): Promise<number[]> {
    const { items } = await takst.externalRefs.list.query({ entityType: 'assignment', entityId: assignmentId });
    return items.filter((ref) => ref.system === SYSTEM).map((ref) => Number(ref.externalId));
  }

  /** An internal comment on every ticket linked to the assignment, keyed so that a repeat finds the first. */
  async function commentOnLinkedTickets(
    assignmentId: string,
    comment: { body: string; author: string; externalKey: string },
    fields: Record<string, unknown>,
  ): Promise<void> {
    const tickets = await ticketsOf(assignmentId);
    if (tickets.length === 0) log.debug('no linked ticket', { ...fields, assignmentId });
    for (const ticketId of tickets) {
      try {
        const { created } = await desk.addComment(ticketId, { ...comment, public: false });
        log.info(created ? 'desk comment written' : 'desk comment already there', {
          ...fields,
          ticketId,
          externalKey: comment.externalKey,
        });
        options.afterDeskComment?.();
      } catch (error) {
        if (!isDeskRefusal(error)) throw error;
        log.warn('desk refused the comment', { ...fields, ticketId, ...errorFields(error) });
      }
    }
  }

  async function onPlatformEvent(event: TakstEvent): Promise<void> {
    const fields = { eventId: event.id, sequence: event.sequence, type: event.type };
    if (event.actor.id === selfClientId) {
      log.debug('own change passed over', fields);
      return;
    }
    if (event.type === 'note.added') {
      const note = event.data;
      if (note.sourceSystem === SYSTEM) {
        log.debug('note from the desk passed over', { ...fields, noteId: note.id });
        return;
      }
      await commentOnLinkedTickets(
        note.assignmentId,
        {
          body: note.text,
          author: clip(`${note.author} (Takst)`, AUTHOR_MAX),
          externalKey: `${OWN_KEY_PREFIX}note:${note.id}`,
        },
        { ...fields, noteId: note.id },
      );
      return;
    }
    if (event.type === 'assignment.status_changed') {
      const status = event.changes.status;
      if (!status) return;
      const reason = event.reason ? `\nReason: ${event.reason}` : '';
      await commentOnLinkedTickets(
        event.entityId,
        {
          body: `Status: ${String(status.from)} → ${String(status.to)}${reason}`,
          author: 'Takst',
          externalKey: `${OWN_KEY_PREFIX}event:${event.id}`,
        },
        fields,
      );
    }
  }

  return { onDeskEvent, onPlatformEvent };
}
