/**
 * SSE followers of `GET /api/v1/events/stream`. Each starts on one server after a known sequence;
 * when its stream breaks (its server was killed) it reconnects to the other server with
 * `Last-Event-ID` set to the last sequence it saw, as a browser's EventSource would.
 */
import type { Servers } from './scale-out-http';
import { sleep } from './scale-out-http';

const RECONNECT_PAUSE_MS = 250;

export interface FollowerFigures {
  name: string;
  firstServer: string;
  /** Every event id received, in order of arrival. */
  sequences: number[];
  connections: number;
  /** Connections after the first that streamed (a refused attempt is not one). */
  reconnects: number;
  /** Servers it streamed from, in order. */
  servedBy: string[];
  /** Refusals and `event: error` frames. */
  problems: string[];
}

export class Follower {
  readonly figures: FollowerFigures;
  readonly #apiKey: string;
  readonly #servers: Servers;
  readonly #after: number;
  readonly #abort = new AbortController();
  #connected!: () => void;
  readonly #firstConnection = new Promise<void>((resolve) => {
    this.#connected = resolve;
  });
  #running: Promise<void> | null = null;

  constructor(name: string, apiKey: string, servers: Servers, firstServer: string, after: number) {
    this.#apiKey = apiKey;
    this.#servers = servers;
    this.#after = after;
    this.figures = { name, firstServer, sequences: [], connections: 0, reconnects: 0, servedBy: [], problems: [] };
  }

  /** Starts following; resolves once the first stream is open. */
  start(): Promise<void> {
    this.#running = this.#follow();
    return this.#firstConnection;
  }

  get lastSequence(): number {
    return this.figures.sequences.at(-1) ?? this.#after;
  }

  /** Waits until the follower has seen `sequence`, or the timeout passed; true when it has. */
  async reached(sequence: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSequence < sequence) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #follow(): Promise<void> {
    let server = this.figures.firstServer;
    while (!this.#abort.signal.aborted) {
      await this.#stream(server);
      if (this.#abort.signal.aborted) return;
      server = this.#servers.otherThan(server);
      await sleep(RECONNECT_PAUSE_MS);
    }
  }

  /** One connection, read until it ends or breaks. */
  async #stream(server: string): Promise<void> {
    const seen = this.figures.sequences.at(-1);
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey}` };
    if (seen !== undefined) headers['last-event-id'] = String(seen);
    try {
      const response = await fetch(`${server}/api/v1/events/stream?after=${this.#after}`, {
        headers,
        signal: this.#abort.signal,
      });
      if (response.status !== 200 || !response.body) {
        this.figures.problems.push(`${server}: ${response.status} ${await response.text()}`);
        return;
      }
      this.figures.connections++;
      if (this.figures.connections > 1) this.figures.reconnects++;
      this.figures.servedBy.push(server);
      this.#connected();
      await this.#read(response.body);
    } catch {
      // The server went away mid-stream, or the follower was stopped: the loop decides.
    }
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        this.#frame(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
      }
    }
  }

  #frame(frame: string): void {
    const lines = frame.split('\n');
    if (lines.some((line) => line === 'event: error')) {
      this.figures.problems.push(frame);
      return;
    }
    const id = lines.find((line) => line.startsWith('id: '));
    if (id) this.figures.sequences.push(Number(id.slice(4)));
  }
}
