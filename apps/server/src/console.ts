import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** Where the built console is, beside the server in the repository (apps/console/dist). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/** Paths that are the API's, never the console's: unknown ones there stay JSON 404s. */
const API_PREFIXES = ['/trpc', '/api', '/auth', '/healthz', '/readyz', '/metrics'];

const isApiPath = (requestPath: string) =>
  API_PREFIXES.some((prefix) => requestPath === prefix || requestPath.startsWith(`${prefix}/`));

/**
 * The console at `/`: its hashed assets cached for a year, and `index.html` (never cached) for
 * every other page a browser asks for, so that a link to `/oppdrag/…` or a reload works. Null
 * when the console is not built; the server then says so at start and answers JSON 404s.
 */
export function serveConsole(directory: string): RequestHandler | null {
  const indexHtml = path.join(directory, 'index.html');
  if (!existsSync(indexHtml)) return null;
  const assets = express.static(directory, {
    index: false,
    fallthrough: true,
    setHeaders: (res, filePath) => {
      const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page: RequestHandler = (req, res, next) => {
    // A file that is not there (an old asset, a typo) is a 404, not the page.
    const looksLikeFile = path.extname(req.path) !== '';
    // A browser navigating asks for HTML first; a client taking anything (`*/*`) gets the API's JSON 404.
    const wantsPage =
      (req.method === 'GET' || req.method === 'HEAD') && !looksLikeFile && req.accepts(['json', 'html']) === 'html';
    if (!wantsPage) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(indexHtml);
  };
  return (req, res, next) => {
    if (isApiPath(req.path)) return next();
    assets(req, res, () => page(req, res, next));
  };
}
