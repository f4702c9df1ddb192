import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DomainError } from '@takst/api';
import express, { type RequestHandler } from 'express';
import { refuse } from './http-refusal';
import { OPENAPI_PATH } from './paths';

/** Where the API reference is: a page rendered in the browser from the OpenAPI document. */
export const API_REFERENCE_PATH = '/docs';
export const API_REFERENCE_TITLE = 'Takst Platform API';

const RENDERER = '@scalar/api-reference';
const ASSETS = `${API_REFERENCE_PATH}/assets`;
const CACHE_FOR_GOOD = 'public, max-age=31536000, immutable';

/**
 * What Scalar is told. Everything that would reach another host is off: its fonts (from
 * fonts.scalar.com) for the system's own, telemetry, the AI agent, the developer toolbar (which
 * can upload the document to share it) and the "Open API Client" button (a link to
 * client.scalar.com). "Test Request" stays: with no proxy set it calls the document's server,
 * `/api/v1` on this same host, and the page's CSP (connect-src 'self') holds it there.
 */
const SCALAR_CONFIGURATION = {
  url: OPENAPI_PATH,
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  documentDownloadType: 'json',
  defaultOpenFirstTag: true,
} as const;

/**
 * Runs before Scalar's bundle. Scalar adds its CSS as `<style>` elements from script (its own,
 * the theme's, CodeMirror's, the toasts'), and has no nonce option: every `<style>` a script
 * creates gets this page's nonce, so the CSP can refuse any other (markup slipped into a
 * description, say) without 'unsafe-inline'. Then, once the bundle has run, it mounts the
 * reference with the configuration the page carries as JSON.
 */
const BOOT_SCRIPT = `(() => {
  const nonce = document.currentScript.nonce;
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (name, options) {
    const element = createElement.call(this, name, options);
    if (String(name).toLowerCase() === 'style') element.nonce = nonce;
    return element;
  };
  document.addEventListener('DOMContentLoaded', () => {
    const configuration = JSON.parse(document.getElementById('api-reference-configuration').textContent);
    window.Scalar.createApiReference('#reference', configuration);
  });
})();
`;

interface Asset {
  urlPath: string;
  body: Buffer;
  gzipped: () => Promise<Buffer>;
}

const gzipped = promisify(gzip);

function asset(urlPath: string, body: Buffer): Asset {
  let compressed: Promise<Buffer> | undefined;
  return { urlPath, body, gzipped: () => (compressed ??= gzipped(body)) };
}

/** Scalar's standalone browser bundle, from node_modules beside this server (src or dist alike). */
function scalarBundle(): Asset {
  const require = createRequire(import.meta.url);
  const file = require.resolve(`${RENDERER}/browser/standalone.js`);
  // dist/browser/standalone.js: the package's own package.json is two folders up (not exported).
  const manifest = JSON.parse(readFileSync(path.resolve(path.dirname(file), '../../package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  if (manifest.name !== RENDERER || !manifest.version) throw new Error(`no ${RENDERER} package.json above ${file}`);
  return asset(`${ASSETS}/scalar-api-reference-${manifest.version}.js`, readFileSync(file));
}

function bootScript(): Asset {
  const body = Buffer.from(BOOT_SCRIPT);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return asset(`${ASSETS}/boot-${hash}.js`, body);
}

/**
 * The page's Content-Security-Policy: nothing but this host. No inline script at all (the
 * configuration is a JSON data block, which is never run); `<style>` elements only with the
 * nonce of this answer (BOOT_SCRIPT); style attributes inline, because Scalar sets some with
 * contents of the document's own (line counts of code samples), which no hash list can name.
 * data: images are the icons in Scalar's CSS. eval stays refused: the only use, a feature test
 * in Scalar's bundle, copes with it.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** JSON inside a `<script>` block: no `<` that could close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

/**
 * The page. Its root is not `#api-reference`: on that id Scalar's bundle mounts a reference of
 * its own, with its defaults (fonts, agent and all), beside the one configured here. The empty
 * icon spares the browser asking for a /favicon.ico the server does not have.
 */
function page(nonce: string, boot: Asset, bundle: Asset): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${API_REFERENCE_TITLE}</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="reference"></div>
<noscript>The API reference needs JavaScript. The OpenAPI document is at <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a>.</noscript>
<script type="application/json" id="api-reference-configuration">${scriptJson(SCALAR_CONFIGURATION)}</script>
<script nonce="${nonce}" src="${boot.urlPath}"></script>
<script src="${bundle.urlPath}"></script>
</body>
</html>
`;
}

const serveAsset =
  (served: Asset): RequestHandler =>
  async (req, res) => {
    const compress = req.acceptsEncodings('gzip') === 'gzip';
    const body = compress ? await served.gzipped() : served.body;
    res.setHeader('content-type', 'text/javascript; charset=utf-8');
    res.setHeader('cache-control', CACHE_FOR_GOOD);
    res.setHeader('vary', 'Accept-Encoding');
    res.setHeader('x-content-type-options', 'nosniff');
    if (compress) res.setHeader('content-encoding', 'gzip');
    res.send(body);
  };

/** Read once per process: every app made (tests make many) serves the same files. */
let assets: { bundle: Asset; boot: Asset } | undefined;

/**
 * The API reference at `/docs` (mount at API_REFERENCE_PATH): the page, and Scalar's bundle and
 * the boot script under `/docs/assets/`, versioned and cached for good. Everything under `/docs`
 * is answered here, so the console's page never stands in for a path of its own.
 */
export function apiReference(): express.Router {
  assets ??= { bundle: scalarBundle(), boot: bootScript() };
  const { bundle, boot } = assets;
  const router = express.Router();
  const relative = (served: Asset) => served.urlPath.slice(API_REFERENCE_PATH.length);

  router.get('/', (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('content-security-policy', contentSecurityPolicy(nonce));
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.type('html').send(page(nonce, boot, bundle));
  });
  router.get(relative(bundle), serveAsset(bundle));
  router.get(relative(boot), serveAsset(boot));

  router.all(['/', relative(bundle), relative(boot)], (req, res) => {
    res.setHeader('allow', 'GET, HEAD');
    refuse(
      res,
      new DomainError('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', `${req.method} is not supported here; use GET`),
    );
  });
  router.use((req, res) => {
    refuse(
      res,
      new DomainError('NOT_FOUND', 'NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`),
    );
  });
  return router;
}
