// Hjelpa's tickets and comments (the support desk): numeric ids, a free custom field for the
// assignment number, and comments that are either public replies or internal notes. A comment
// written through the API may carry the integration's own key; the same key again on the same
// ticket answers the comment already there.

export type HjelpaTicketStatus = 'open' | 'pending' | 'solved';

export const HJELPA_TICKET_STATUSES: readonly HjelpaTicketStatus[] = ['open', 'pending', 'solved'];

export interface HjelpaRequester {
  name: string;
  email: string;
}

export interface HjelpaCustomFields {
  /** The assignment's reference in the platform, e.g. `2026-000123`, as typed by a person. */
  oppdragsnummer?: string;
}

export interface HjelpaTicket {
  id: number;
  subject: string;
  requester: HjelpaRequester;
  customFields: HjelpaCustomFields;
  status: HjelpaTicketStatus;
  createdAt: string;
  updatedAt: string;
}

export interface HjelpaComment {
  id: number;
  ticketId: number;
  author: string;
  body: string;
  /** A reply the requester sees (true), or an internal note for the desk's staff only (false). */
  public: boolean;
  /** The integration's own key for the comment; absent for comments people wrote. */
  externalKey?: string;
  createdAt: string;
}

export interface NewHjelpaTicket {
  subject: string;
  requester: HjelpaRequester;
  customFields: HjelpaCustomFields;
  status: HjelpaTicketStatus;
}

export interface NewHjelpaComment {
  author: string;
  body: string;
  public: boolean;
  externalKey?: string;
}

/** `null` for a custom field removes it. */
export interface HjelpaTicketPatch {
  subject?: string;
  status?: HjelpaTicketStatus;
  customFields?: { [Field in keyof HjelpaCustomFields]?: HjelpaCustomFields[Field] | null };
}

export type HjelpaTicketChanges = Partial<
  Record<'subject' | 'status' | 'oppdragsnummer', { from: unknown; to: unknown }>
>;

export interface HjelpaState {
  nextTicketId: number;
  nextCommentId: number;
  tickets: HjelpaTicket[];
  comments: HjelpaComment[];
}

export class HjelpaNotFound extends Error {}

const copy = <T>(value: T): T => structuredClone(value);

export class HjelpaStore {
  readonly #tickets = new Map<number, HjelpaTicket>();
  readonly #comments = new Map<number, HjelpaComment[]>();
  #nextTicketId: number;
  #nextCommentId: number;

  constructor(state?: HjelpaState) {
    this.#nextTicketId = state?.nextTicketId ?? 1;
    this.#nextCommentId = state?.nextCommentId ?? 1;
    for (const ticket of state?.tickets ?? []) this.#tickets.set(ticket.id, ticket);
    for (const comment of state?.comments ?? []) this.#commentsOf(comment.ticketId).push(comment);
  }

  #commentsOf(ticketId: number): HjelpaComment[] {
    let comments = this.#comments.get(ticketId);
    if (!comments) {
      comments = [];
      this.#comments.set(ticketId, comments);
    }
    return comments;
  }

  #find(id: number): HjelpaTicket {
    const ticket = this.#tickets.get(id);
    if (!ticket) throw new HjelpaNotFound(`No ticket ${id}`);
    return ticket;
  }

  createTicket(input: NewHjelpaTicket): HjelpaTicket {
    const at = new Date().toISOString();
    const ticket: HjelpaTicket = { id: this.#nextTicketId++, ...copy(input), createdAt: at, updatedAt: at };
    this.#tickets.set(ticket.id, ticket);
    return copy(ticket);
  }

  getTicket(id: number): HjelpaTicket {
    return copy(this.#find(id));
  }

  /** Applies the patch; answers what changed (nothing: the ticket is left as it was). */
  updateTicket(id: number, patch: HjelpaTicketPatch): { ticket: HjelpaTicket; changes: HjelpaTicketChanges } {
    const ticket = this.#find(id);
    const changes: HjelpaTicketChanges = {};
    if (patch.subject !== undefined && patch.subject !== ticket.subject) {
      changes.subject = { from: ticket.subject, to: patch.subject };
      ticket.subject = patch.subject;
    }
    if (patch.status !== undefined && patch.status !== ticket.status) {
      changes.status = { from: ticket.status, to: patch.status };
      ticket.status = patch.status;
    }
    const number = patch.customFields?.oppdragsnummer;
    if (number !== undefined && number !== (ticket.customFields.oppdragsnummer ?? null)) {
      changes.oppdragsnummer = { from: ticket.customFields.oppdragsnummer ?? null, to: number };
      if (number === null) delete ticket.customFields.oppdragsnummer;
      else ticket.customFields.oppdragsnummer = number;
    }
    if (Object.keys(changes).length > 0) ticket.updatedAt = new Date().toISOString();
    return { ticket: copy(ticket), changes };
  }

  /** Oldest first. */
  comments(ticketId: number): HjelpaComment[] {
    this.#find(ticketId);
    return copy(this.#comments.get(ticketId) ?? []);
  }

  /** Adds a comment, or answers the ticket's comment with the same `externalKey` (`created: false`). */
  addComment(ticketId: number, input: NewHjelpaComment): { comment: HjelpaComment; created: boolean } {
    const ticket = this.#find(ticketId);
    const comments = this.#commentsOf(ticketId);
    if (input.externalKey !== undefined) {
      const existing = comments.find((comment) => comment.externalKey === input.externalKey);
      if (existing) return { comment: copy(existing), created: false };
    }
    const at = new Date().toISOString();
    const comment: HjelpaComment = {
      id: this.#nextCommentId++,
      ticketId,
      author: input.author,
      body: input.body,
      public: input.public,
      ...(input.externalKey !== undefined ? { externalKey: input.externalKey } : {}),
      createdAt: at,
    };
    comments.push(comment);
    ticket.updatedAt = at;
    return { comment: copy(comment), created: true };
  }

  toJSON(): HjelpaState {
    return {
      nextTicketId: this.#nextTicketId,
      nextCommentId: this.#nextCommentId,
      tickets: [...this.#tickets.values()],
      comments: [...this.#comments.values()].flat(),
    };
  }
}
