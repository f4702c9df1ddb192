export type OperationKind = 'get' | 'list' | 'create' | 'update' | 'replay';

/** How a request ended: `failure` names what went wrong (`HTTP 500`, `timeout`, …) when it did. */
export interface Outcome {
  failure?: string;
}

export interface WindowTally {
  latenciesMs: Float64Array;
  requests: number;
  errors: number;
  /** How late requests were sent after their scheduled time: the generator falling behind. */
  sendLagsMs: Float64Array;
}

interface OpenWindow {
  latenciesMs: number[];
  errors: number;
  sendLagsMs: number[];
}

const openWindow = (): OpenWindow => ({ latenciesMs: [], errors: 0, sendLagsMs: [] });

/** Collects every finished request into the open sample window, and per kind for the whole run. */
export class LoadRecorder {
  #window = openWindow();
  readonly latenciesByKind = new Map<OperationKind, number[]>();
  /** "create: HTTP 500" → count. */
  readonly failures = new Map<string, number>();

  record(kind: OperationKind, latencyMs: number, outcome: Outcome): void {
    this.#window.latenciesMs.push(latencyMs);
    let ofKind = this.latenciesByKind.get(kind);
    if (!ofKind) {
      ofKind = [];
      this.latenciesByKind.set(kind, ofKind);
    }
    ofKind.push(latencyMs);
    if (outcome.failure !== undefined) this.#countFailure(`${kind}: ${outcome.failure}`);
  }

  /** A request never sent because too many were already waiting for an answer. */
  recordDropped(kind: OperationKind): void {
    this.#countFailure(`${kind}: dropped, too many in flight`);
  }

  noteSendLag(lagMs: number): void {
    this.#window.sendLagsMs.push(lagMs);
  }

  /** Closes the open window and opens the next. */
  takeWindow(): WindowTally {
    const closed = this.#window;
    this.#window = openWindow();
    return {
      latenciesMs: Float64Array.from(closed.latenciesMs),
      requests: closed.latenciesMs.length,
      errors: closed.errors,
      sendLagsMs: Float64Array.from(closed.sendLagsMs),
    };
  }

  #countFailure(key: string): void {
    this.#window.errors++;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }
}
