import autocannon from 'autocannon';

/** The URL path the SDK requests for `client.assignments.get.query({ id })`. */
export function getByIdPath(id: string): string {
  return `/trpc/assignments.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { id } }))}`;
}

export interface LoadOptions {
  baseUrl: string;
  ids: readonly string[];
  apiKey: string;
  connections: number;
  seconds: number;
}

/** Each request asks for a random id from `ids`. */
export function runLoad({ baseUrl, ids, apiKey, connections, seconds }: LoadOptions): Promise<autocannon.Result> {
  const paths = ids.map(getByIdPath);
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

export async function fetchOne(baseUrl: string, id: string, apiKey: string): Promise<SanityAnswer> {
  const response = await fetch(`${baseUrl}${getByIdPath(id)}`, {
    headers: { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as [{ result?: { data?: Record<string, unknown> } }];
  return { status: response.status, data: body[0]?.result?.data };
}
