import autocannon from 'autocannon';

/** How an assignment is asked for: as the SDK asks over tRPC, or on the REST API's path. */
export type Route = 'trpc' | 'rest';

/** The URL path the SDK requests for `client.assignments.get.query({ id })`, or the REST one. */
export function getByIdPath(id: string, route: Route = 'trpc'): string {
  if (route === 'rest') return `/api/v1/assignments/${id}`;
  return `/trpc/assignments.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { id } }))}`;
}

export interface LoadOptions {
  baseUrl: string;
  ids: readonly string[];
  apiKey: string;
  connections: number;
  seconds: number;
  route?: Route;
}

/** Each request asks for a random id from `ids`. */
export function runLoad({
  baseUrl,
  ids,
  apiKey,
  connections,
  seconds,
  route,
}: LoadOptions): Promise<autocannon.Result> {
  const paths = ids.map((id) => getByIdPath(id, route));
  return autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout: 10,
    headers: { authorization: `Bearer ${apiKey}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[Math.floor(Math.random() * paths.length)] as string }),
      },
    ],
  });
}

export interface SanityAnswer {
  status: number;
  data: Record<string, unknown> | undefined;
}

export async function fetchOne(
  baseUrl: string,
  id: string,
  apiKey: string,
  route: Route = 'trpc',
): Promise<SanityAnswer> {
  const response = await fetch(`${baseUrl}${getByIdPath(id, route)}`, {
    headers: { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (route === 'rest') return { status: response.status, data: (await response.json()) as Record<string, unknown> };
  const body = (await response.json()) as [{ result?: { data?: Record<string, unknown> } }];
  return { status: response.status, data: body[0]?.result?.data };
}
