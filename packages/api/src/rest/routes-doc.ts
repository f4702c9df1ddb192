import { AUTHENTICATED } from '../auth/scopes';
import { restOperations } from './routes';

export const ROUTES_START = '<!-- routes:start (npm run docs:rest) -->';
export const ROUTES_END = '<!-- routes:end -->';

/** The table of every REST operation, as docs/rest.md shows it between its route markers. */
export function renderRestRoutes(): string {
  const rows = [...restOperations()]
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((operation) => {
      const scope = operation.meta.scope === AUTHENTICATED ? 'any key or session' : `\`${operation.meta.scope}\``;
      const status = operation.type === 'subscription' ? '200 (SSE)' : String(operation.status);
      const what = (operation.meta.description ?? '').replaceAll('|', '\\|');
      return `| \`${operation.method}\` | \`${operation.path}\` | ${status} | \`${operation.procedure}\` | ${scope} | ${what} |`;
    });
  return [
    '| method | path (below `/api/v1`) | success | SDK procedure | scope | what it does |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `document` with its route table replaced by the one the router makes now. */
export function withRestRoutes(document: string): string {
  const start = document.indexOf(ROUTES_START);
  const end = document.indexOf(ROUTES_END);
  if (start === -1 || end === -1) throw new Error(`docs/rest.md lacks the markers ${ROUTES_START} … ${ROUTES_END}`);
  return `${document.slice(0, start + ROUTES_START.length)}\n\n${renderRestRoutes()}\n\n${document.slice(end)}`;
}
