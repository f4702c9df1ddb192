// tRPC's HTTP links only see a response's body: a failed fetch and an answer that is not JSON
// (a proxy's 502 page) both reach the links as bare errors, without a status. The fetch below
// names them, so the retry link can tell "no answer" and "a gateway said not now" apart.

/** The request never got an answer: DNS, a refused or dropped connection. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Something answered, but not with the platform's JSON: a proxy, a gateway, a wrong base URL. */
export class HttpAnswerError extends Error {
  override readonly name = 'HttpAnswerError';
  readonly status: number;

  constructor(
    readonly url: string,
    readonly response: Response,
  ) {
    super(`${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    this.status = response.status;
  }
}

type Fetch = typeof globalThis.fetch;

const isJson = (response: Response) => /\bjson\b/i.test(response.headers.get('content-type') ?? '');

function urlOf(input: Parameters<Fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** `fetchImpl`, with its failures named: see `NetworkError` and `HttpAnswerError`. */
export function namedFailureFetch(fetchImpl: Fetch): Fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (cause) {
      if (init?.signal?.aborted) throw cause;
      throw new NetworkError(urlOf(input), cause);
    }
    if (isJson(response)) return response;
    // Nobody will read the body; cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    throw new HttpAnswerError(urlOf(input), response);
  };
}
