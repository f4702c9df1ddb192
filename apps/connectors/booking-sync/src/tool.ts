// The one small interface every booking tool is used through: the sync logic (sync.ts) knows
// nothing of Planly's or Kalendra's API, so swapping tools is a configuration change.
import type { Slot } from './slots';

export type BookingSystem = 'booking-a' | 'booking-b';

/** A booking as the sync logic sees it, whatever the tool calls it. */
export interface ToolBooking {
  /** The tool's id, as a string: the `externalId` of the platform's reference. */
  id: string;
  /** The platform inspection id the connector stored in the tool's own field, when it made the booking. */
  inspectionId: string | null;
  /** The assignment the booking is for, by its platform reference (`2026-000123`). */
  assignmentReference: string;
  open: boolean;
  cancelReason: string | null;
  /**
   * Every time the booking has had, oldest first, the current one last. A tool that keeps no
   * history gives its current time alone.
   */
  slots: Slot[];
}

export interface NewToolBooking {
  inspectionId: string;
  assignmentReference: string;
  title: string;
  slot: Slot;
}

export interface BookingTool {
  /** The platform's `system` name for this tool's references. */
  readonly system: BookingSystem;
  /** The name people know the tool by, for reasons and logs. */
  readonly displayName: string;
  /** Whether `slots` holds every earlier time (then each platform move is made as its own move). */
  readonly keepsHistory: boolean;
  /** The finest time the tool holds: 1 ms, or 60 000 for a tool of whole minutes. */
  readonly precisionMs: number;
  get(id: string): Promise<ToolBooking | null>;
  /** The booking the connector made for this inspection, found by the tool's own field. */
  findByInspectionId(inspectionId: string): Promise<ToolBooking | null>;
  create(booking: NewToolBooking): Promise<ToolBooking>;
  move(id: string, slot: Slot): Promise<ToolBooking>;
  cancel(id: string, reason: string): Promise<ToolBooking>;
}

/** A call to a tool that failed: `status` is null when the tool did not answer. */
export class ToolRequestError extends Error {
  constructor(
    readonly tool: string,
    readonly status: number | null,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }

  /** Worth trying again later: no answer, the tool's own failure, a rate limit, or our credentials refused. */
  get transient(): boolean {
    return this.status === null || this.status >= 500 || [401, 403, 408, 429].includes(this.status);
  }
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Answers with these statuses are returned rather than thrown (e.g. 404 for "not there"). */
  accept?: number[];
  signal?: AbortSignal;
}

const TIMEOUT_MS = 15_000;

/** One JSON call to a tool: a 2xx (or an accepted status) answers `{ status, body }`, anything else throws `ToolRequestError`. */
export async function requestJson(tool: string, request: JsonRequest): Promise<{ status: number; body: unknown }> {
  const signal = request.signal
    ? AbortSignal.any([request.signal, AbortSignal.timeout(TIMEOUT_MS)])
    : AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal,
    });
  } catch (error) {
    throw new ToolRequestError(
      tool,
      null,
      null,
      `${tool} did not answer ${request.method} ${new URL(request.url).pathname}: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (response.ok || request.accept?.includes(response.status)) return { status: response.status, body };
  throw new ToolRequestError(
    tool,
    response.status,
    body,
    `${tool} answered ${response.status} to ${request.method} ${new URL(request.url).pathname}: ${text.slice(0, 300)}`,
  );
}
