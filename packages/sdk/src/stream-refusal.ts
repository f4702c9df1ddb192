// The platform refuses a subscription it will not serve (no working key, a missing scope, bad
// input, the rate limit) before its stream starts, with the HTTP status and the JSON error of
// any other call. An EventSource reads only the status of such an answer and stops. The answer
// below is handed on instead as the one event tRPC's subscription link reads a refusal from, so
// the subscription fails with the platform's code, details and request id, and, since a refusal
// is not a dropped stream, nothing reconnects.

const isJson = (response: Response) => /\bjson\b/i.test(response.headers.get('content-type') ?? '');

/** A tRPC error shape, as `{ "error": … }` carries it: a numeric code and the platform's data. */
function errorShapeOf(body: unknown): object | null {
  const error = (body as { error?: { code?: unknown; data?: unknown } } | null)?.error;
  return typeof error?.code === 'number' && typeof error.data === 'object' && error.data !== null ? error : null;
}

/** `response`, or when it is the platform's refusal of a stream, that refusal as an event stream. */
export async function asStreamRefusal(response: Response): Promise<Response> {
  if (response.status < 400 || !isJson(response)) return response;
  const text = await response.text();
  let shape: object | null = null;
  try {
    shape = errorShapeOf(JSON.parse(text));
  } catch {}
  // Not the platform's answer (a proxy's, say): the EventSource reports its status, as before.
  if (!shape) return new Response(text, { status: response.status, headers: response.headers });
  return new Response(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`, {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
  });
}
