// Hjelpa's API as this connector uses it: Basic auth, answers wrapped in the resource's name.
// The connector keeps its own view of Hjelpa's shapes (it does not have the vendor's source).

export interface DeskTicket {
  id: number;
  subject: string;
  requester: { name: string; email: string };
  customFields: { oppdragsnummer?: string };
  status: 'open' | 'pending' | 'solved';
  createdAt: string;
}

export interface DeskComment {
  id: number;
  ticketId: number;
  author: string;
  body: string;
  public: boolean;
  externalKey?: string;
  createdAt: string;
}

export interface NewDeskComment {
  body: string;
  public: boolean;
  author: string;
  /** The connector's key for the comment: the same key again on the ticket answers the comment already there. */
  externalKey: string;
}

/** Hjelpa answered with something other than success, or did not answer. */
export class DeskRequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when Hjelpa did not answer. */
    readonly status: number | null,
  ) {
    super(message);
  }

  /** Worth trying again later: no answer, too many requests, or Hjelpa's own failure. */
  get transient(): boolean {
    return this.status === null || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface Desk {
  /** The ticket, or null when Hjelpa has no such ticket. */
  ticket(id: number): Promise<DeskTicket | null>;
  comments(ticketId: number): Promise<DeskComment[]>;
  /** Adds the comment, or answers the one already made with its key (`created: false`). */
  addComment(ticketId: number, comment: NewDeskComment): Promise<{ comment: DeskComment; created: boolean }>;
  /** Subscribes `url` to Hjelpa's webhooks, signed with `secret` (again: the secret is replaced). */
  registerWebhook(url: string, secret: string): Promise<void>;
}

const RETRY_DELAYS_MS = [200, 1000];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function hjelpaDesk(options: { url: string; user: string; password: string; timeoutMs?: number }): Desk {
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;

  async function once(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${options.url}${path}`, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new DeskRequestError(`Hjelpa did not answer ${method} ${path}: ${(error as Error).message}`, null);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  /** Sends the request, again after a transient failure (every call here is safe to repeat). */
  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    for (let attempt = 0; ; attempt += 1) {
      let failure: DeskRequestError;
      try {
        const answer = await once(method, path, body);
        if (answer.status < 400 || answer.status === 404) return answer;
        const description = (answer.json as { description?: unknown } | null)?.description;
        failure = new DeskRequestError(
          `Hjelpa answered ${method} ${path} with ${answer.status}${description ? `: ${String(description)}` : ''}`,
          answer.status,
        );
      } catch (error) {
        if (!(error instanceof DeskRequestError)) throw error;
        failure = error;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (!failure.transient || delay === undefined) throw failure;
      await pause(delay);
    }
  }

  const notFound = (method: string, path: string) => new DeskRequestError(`Hjelpa has no ${method} ${path}`, 404);

  return {
    async ticket(id) {
      const answer = await request('GET', `/api/v2/tickets/${id}`);
      if (answer.status === 404) return null;
      return (answer.json as { ticket: DeskTicket }).ticket;
    },
    async comments(ticketId) {
      const path = `/api/v2/tickets/${ticketId}/comments`;
      const answer = await request('GET', path);
      if (answer.status === 404) throw notFound('GET', path);
      return (answer.json as { comments: DeskComment[] }).comments;
    },
    async addComment(ticketId, comment) {
      const path = `/api/v2/tickets/${ticketId}/comments`;
      const answer = await request('POST', path, comment);
      if (answer.status === 404) throw notFound('POST', path);
      return { comment: (answer.json as { comment: DeskComment }).comment, created: answer.status === 201 };
    },
    async registerWebhook(url, secret) {
      const answer = await request('POST', '/api/v2/webhooks', { url, secret });
      if (answer.status === 404) throw notFound('POST', '/api/v2/webhooks');
    },
  };
}
