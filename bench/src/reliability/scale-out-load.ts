/**
 * The mixed load of the scale-out scenario: writers send keyed writes through both servers and
 * retry an unanswered one under the same key on the other server; some acknowledged writes are
 * sent again (same key, same body) to the other server, which must answer the same; readers
 * read acknowledged assignments back through both servers.
 */
import { randomUUID } from 'node:crypto';
import { createInput, writeMarker } from './kill-loop-core';
import { callProcedure, type Servers, type Status, sleep } from './scale-out-http';

export const MARKER_PREFIX = 'scale-out ';

const RETRY_PAUSE_MS = 150;
const GIVE_UP_AFTER_MS = 60_000;
const READ_PAUSE_MS = 100;

export type WriteKind = 'assignments.create' | 'notes.add';

export interface Write {
  kind: WriteKind;
  key: string;
  marker: string;
  input: unknown;
  acknowledgedId: string | null;
  acknowledgedBy: string | null;
  /** Sent more than once under its key (unanswered, or answered 5xx or 429). */
  retried: boolean;
  /** The refusal (a 4xx other than 429): status, error code and message, which attempt, where. */
  refusal: string | null;
  gaveUp: boolean;
}

export interface LoadFigures {
  writes: Write[];
  /** Every answer to a write attempt, first try or retry: HTTP status, or `no answer`. */
  answers: Record<string, number>;
  retries: number;
  replays: { sent: number; same: number; different: string[]; unanswered: number };
  reads: { ok: number; missing: string[]; other: Record<string, number> };
}

export interface LoadOptions {
  servers: Servers;
  /** One API key per writer and per reader, so no actor spends another's rate limit. */
  writerKeys: string[];
  readerKeys: string[];
  /** Each writer makes at most this many writes a second, to stay under the rate limit. */
  writesPerSecondPerWriter: number;
  /** The share of acknowledged writes sent again under their key to the other server. */
  replayShare: number;
}

const count = (tally: Record<string, number>, status: Status) => {
  tally[String(status)] = (tally[String(status)] ?? 0) + 1;
};

export class Load {
  readonly figures: LoadFigures = {
    writes: [],
    answers: {},
    retries: 0,
    replays: { sent: 0, same: 0, different: [], unanswered: 0 },
    reads: { ok: 0, missing: [], other: {} },
  };
  readonly #options: LoadOptions;
  readonly #acknowledgedAssignments: string[] = [];
  #running = false;
  #actors: Promise<void>[] = [];

  constructor(options: LoadOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running = true;
    this.#actors = [
      ...this.#options.writerKeys.map((key, n) => this.#writer(key, n)),
      ...this.#options.readerKeys.map((key) => this.#reader(key)),
    ];
  }

  /** Stops starting new writes and reads; a write under way is still retried until answered. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#actors);
  }

  async #writer(apiKey: string, n: number): Promise<void> {
    const intervalMs = 1000 / this.#options.writesPerSecondPerWriter;
    while (this.#running) {
      const began = Date.now();
      const write = this.#nextWrite(n);
      this.figures.writes.push(write);
      await this.#send(apiKey, write);
      if (write.acknowledgedId && Math.random() < this.#options.replayShare) await this.#replay(apiKey, write);
      await sleep(Math.max(0, intervalMs - (Date.now() - began)));
    }
  }

  #nextWrite(n: number): Write {
    const marker = writeMarker(`${MARKER_PREFIX}${n}`);
    const assignments = this.#acknowledgedAssignments;
    const target = assignments[Math.floor(Math.random() * assignments.length)];
    const base = { key: randomUUID(), marker, acknowledgedId: null, acknowledgedBy: null };
    const flags = { retried: false, refusal: null, gaveUp: false };
    if (target && Math.random() < 0.3) {
      const input = { assignmentId: target, author: 'scale-out', text: marker };
      return { kind: 'notes.add', input, ...base, ...flags };
    }
    return { kind: 'assignments.create', input: createInput(marker), ...base, ...flags };
  }

  /** Until acknowledged or refused: each retry under the same key goes to the other server. */
  async #send(apiKey: string, write: Write): Promise<void> {
    const started = Date.now();
    let server = this.#options.servers.next();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.figures.retries++;
        write.retried = true;
      }
      const answer = await callProcedure<{ id: string }>(server, apiKey, write.kind, write.input, {
        kind: 'mutation',
        idempotencyKey: write.key,
      });
      count(this.figures.answers, answer.status);
      if (answer.status === 200 && answer.data) {
        write.acknowledgedId = answer.data.id;
        write.acknowledgedBy = server;
        if (write.kind === 'assignments.create') this.#acknowledgedAssignments.push(answer.data.id);
        return;
      }
      if (typeof answer.status === 'number' && answer.status < 500 && answer.status !== 429) {
        write.refusal = `${write.kind} ${answer.status} ${answer.errorCode}: ${answer.errorMessage} (attempt ${attempt + 1}, ${server})`;
        return;
      }
      if (Date.now() - started > GIVE_UP_AFTER_MS) {
        write.gaveUp = true;
        return;
      }
      await sleep(answer.status === 429 ? (answer.retryAfterSeconds ?? 1) * 1000 : RETRY_PAUSE_MS);
      server = this.#options.servers.otherThan(server);
    }
  }

  /** The same key and body again, on the other server: the same answer, nothing done twice. */
  async #replay(apiKey: string, write: Write): Promise<void> {
    const replays = this.figures.replays;
    let server = this.#options.servers.otherThan(write.acknowledgedBy as string);
    for (let tries = 0; tries < 3; tries++) {
      const answer = await callProcedure<{ id: string }>(server, apiKey, write.kind, write.input, {
        kind: 'mutation',
        idempotencyKey: write.key,
      });
      if (answer.status === 'no answer' || answer.status === 429) {
        await sleep(answer.status === 429 ? (answer.retryAfterSeconds ?? 1) * 1000 : RETRY_PAUSE_MS);
        server = this.#options.servers.otherThan(server);
        continue;
      }
      replays.sent++;
      if (answer.status === 200 && answer.data?.id === write.acknowledgedId) replays.same++;
      else replays.different.push(`${write.key}: ${answer.status} ${answer.errorCode ?? answer.data?.id ?? ''}`);
      return;
    }
    replays.unanswered++;
  }

  async #reader(apiKey: string): Promise<void> {
    while (this.#running) {
      const assignments = this.#acknowledgedAssignments;
      const id = assignments[Math.floor(Math.random() * assignments.length)];
      const server = this.#options.servers.next();
      if (id) {
        const answer = await callProcedure(server, apiKey, 'assignments.get', { id }, { kind: 'query' });
        if (answer.status === 200) this.figures.reads.ok++;
        else if (answer.status === 404) this.figures.reads.missing.push(id);
        else count(this.figures.reads.other, answer.status);
      }
      await sleep(READ_PAUSE_MS);
    }
  }
}
