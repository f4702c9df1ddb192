/** Calls to the servers of the scale-out scenario: plain tRPC over fetch, and which servers are up. */

const CALL_TIMEOUT_MS = 15_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP status, or `no answer` when the connection failed, was cut or timed out. */
export type Status = number | 'no answer';

export interface Answer<T> {
  status: Status;
  data?: T;
  /** tRPC's `error.data.errorCode` and `error.message`, when the call was refused. */
  errorCode?: string;
  errorMessage?: string;
  retryAfterSeconds?: number;
  serverUrl: string;
}

export interface CallOptions {
  kind: 'query' | 'mutation';
  idempotencyKey?: string;
  timeoutMs?: number;
}

interface Envelope<T> {
  result?: { data: T };
  error?: { message?: string; data?: { errorCode?: string; retryAfterSeconds?: number } };
}

/** One call of a procedure at `/trpc/<procedure>`: GET with `?input=` for a query, POST for a mutation. */
export async function callProcedure<T>(
  serverUrl: string,
  apiKey: string,
  procedure: string,
  input: unknown,
  options: CallOptions,
): Promise<Answer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let url = `${serverUrl}/trpc/${procedure}`;
  let body: string | undefined;
  if (options.kind === 'mutation') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input ?? {});
  } else if (input !== undefined) {
    url += `?input=${encodeURIComponent(JSON.stringify(input))}`;
  }
  try {
    const response = await fetch(url, {
      method: options.kind === 'mutation' ? 'POST' : 'GET',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? CALL_TIMEOUT_MS),
    });
    const envelope = (await response.json()) as Envelope<T>;
    return {
      status: response.status,
      data: envelope.result?.data,
      errorCode: envelope.error?.data?.errorCode,
      errorMessage: envelope.error?.message,
      retryAfterSeconds: envelope.error?.data?.retryAfterSeconds,
      serverUrl,
    };
  } catch {
    return { status: 'no answer', serverUrl };
  }
}

/**
 * For the scenario's own set-up and probes: calls until answered, waiting out the rate limit
 * (the admin key is limited like any other), and fails unless the answer is 200.
 */
export async function callOrFail<T>(
  serverUrl: string,
  apiKey: string,
  procedure: string,
  input: unknown,
  kind: CallOptions['kind'],
): Promise<T> {
  for (let tries = 1; ; tries++) {
    const answer = await callProcedure<T>(serverUrl, apiKey, procedure, input, { kind });
    if (answer.status === 200) return answer.data as T;
    if (answer.status === 429 && tries < 30) {
      await sleep((answer.retryAfterSeconds ?? 1) * 1000);
      continue;
    }
    throw new Error(`${procedure} at ${serverUrl} answered ${answer.status} ${answer.errorCode ?? ''}`);
  }
}

/** The servers behind the scenario's "load balancer": round robin over those not marked down. */
export class Servers {
  readonly urls: readonly string[];
  readonly #down = new Set<string>();
  #turn = 0;

  constructor(urls: readonly string[]) {
    this.urls = urls;
  }

  /** As a load balancer's health check would, once the server is gone. */
  markDown(url: string): void {
    this.#down.add(url);
  }

  up(): string[] {
    const up = this.urls.filter((url) => !this.#down.has(url));
    return up.length > 0 ? up : [...this.urls];
  }

  next(): string {
    const up = this.up();
    this.#turn = (this.#turn + 1) % up.length;
    return up[this.#turn] as string;
  }

  /** A server up other than `url`; `url` itself when it is the only one left. */
  otherThan(url: string): string {
    return this.up().find((candidate) => candidate !== url) ?? this.up()[0] ?? url;
  }
}
