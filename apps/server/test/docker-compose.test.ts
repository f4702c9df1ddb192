import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { restOperations } from '@takst/api';
import { Ajv } from 'ajv';
import { DCLinter } from 'dclint';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAX_BODY_BYTES } from '../src/app';
import { EXPORT_NDJSON_PATH, EXPORT_NDJSON_REST_PATH } from '../src/export-ndjson';
import { REST_PREFIX } from '../src/rest-api';
import { repoRoot } from './support/global-setup';

// docker/compose.yaml cannot be started on the test machine (no Docker engine). Checked here
// instead: the Compose Specification's JSON schema, dclint's rules, no committed secret, the
// variables it requires, the services and their health checks, and the proxy's configuration
// against the server's own routes.

const dockerDir = path.join(repoRoot, 'docker');
const composeFile = path.join(dockerDir, 'compose.yaml');
const composeText = readFileSync(composeFile, 'utf8');
const envExampleText = readFileSync(path.join(dockerDir, '.env.example'), 'utf8');
const nginxText = readFileSync(path.join(dockerDir, 'nginx.conf'), 'utf8');
const dockerfileText = readFileSync(path.join(dockerDir, 'Dockerfile'), 'utf8');

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Dict = Record<string, Json>;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Dict | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string };
  ports?: Dict[];
  volumes?: string[];
  deploy?: { replicas?: number | string };
  stop_grace_period?: string;
  container_name?: string;
}
/** The services this file defines (the tests check there are no others). */
type Services = Record<'postgres' | 'proxy' | 'server' | 'worker', Service>;
interface Compose {
  name?: string;
  services: Services;
}

/** The file as Compose reads it: YAML with merge keys (`<<: *anchor`). */
const load = (text: string) => parse(text, { merge: true }) as Compose;

// ---------------------------------------------------------------------------------------------
// Interpolation, as Compose does it: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, ${VAR:+other}, ${VAR+other}, $VAR and $$. The `:` forms treat empty as unset.

const REFERENCE =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

class MissingVariables extends Error {}

/** A Compose variable reference, `${inner}`, for the cases below. */
const v = (inner: string) => `\${${inner}}`;

function interpolateText(text: string, env: Record<string, string | undefined>, missing: string[]): string {
  return text.replace(REFERENCE, (match, braced?: string, colon?: string, op?: string, arg = '', bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = value === undefined || (colon === ':' && value === '');
    if (op === '-') return unset ? interpolateText(arg, env, missing) : (value as string);
    if (op === '+') return unset ? '' : interpolateText(arg, env, missing);
    if (op === '?') {
      if (unset) missing.push(`${name} (${arg})`);
      return value ?? '';
    }
    return value ?? '';
  });
}

function interpolate<T>(value: T, env: Record<string, string | undefined>): T {
  const missing: string[] = [];
  const walk = (item: Json): Json => {
    if (typeof item === 'string') return interpolateText(item, env, missing);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, walk(v)]));
    return item;
  };
  const result = walk(value as Json) as T;
  if (missing.length > 0) throw new MissingVariables(`required variables missing: ${[...new Set(missing)].join(', ')}`);
  return result;
}

/** Every variable the file refers to. */
const referencedVariables = (text: string) =>
  new Set([...text.matchAll(REFERENCE)].map((m) => m[1] ?? m[5]).filter((name): name is string => Boolean(name)));

/** KEY=value lines of an env file (as docker/.env.example is written: no quotes). */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const filledEnv = () => ({
  ...envFile(envExampleText),
  POSTGRES_PASSWORD: 'a3f1c2d4e5b60718293a4b5c6d7e8f90',
  TAKST_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
});

function environmentOf(service: Service): Dict {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
}

/** A health check's test, as a list. */
const testOf = (service: Service): string[] => {
  const test = service.healthcheck?.test ?? [];
  return Array.isArray(test) ? test : ['CMD-SHELL', test];
};

// ---------------------------------------------------------------------------------------------
// Committed secrets: a value that looks secret must come from the environment, whole, with no
// default; a URL's password likewise.

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY(_|$)/i;
/** `${NAME}`, `${NAME:?...}`, `${NAME?...}`, or with an empty default: `${NAME:-}`, `${NAME-}`. */
const FROM_ENVIRONMENT = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*|:?-)?\}$/;
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]*)@/gi;

function committedSecrets(compose: Compose): string[] {
  const found: string[] = [];
  const check = (where: string, key: string | undefined, value: Json) => {
    if (typeof value !== 'string') {
      if (key && SECRET_NAME.test(key) && value !== null) found.push(where);
      return;
    }
    if (key && SECRET_NAME.test(key) && !key.endsWith('_FILE') && !FROM_ENVIRONMENT.test(value)) found.push(where);
    for (const match of value.matchAll(URL_PASSWORD)) {
      if (!FROM_ENVIRONMENT.test(match[1] ?? '')) found.push(`${where} (a password in a URL)`);
    }
  };
  const walk = (where: string, item: Json) => {
    if (typeof item === 'string') return check(where, undefined, item);
    if (Array.isArray(item)) {
      item.forEach((entry, index) => {
        // KEY=value items of a list-form environment or build args
        if (typeof entry === 'string' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) {
          check(`${where}[${index}]`, entry.split('=')[0], entry.slice(entry.indexOf('=') + 1));
        } else walk(`${where}[${index}]`, entry);
      });
      return;
    }
    if (item && typeof item === 'object') {
      for (const [key, value] of Object.entries(item)) {
        if (typeof value === 'string') check(`${where}.${key}`, key, value);
        else walk(`${where}.${key}`, value);
      }
    }
  };
  walk('', compose as unknown as Json);
  return found;
}

// ---------------------------------------------------------------------------------------------
// The Compose Specification's JSON schema, as dclint (an npm package) ships it.

const require = createRequire(import.meta.url);
const schemaFile = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
// Draft-07 is Ajv's default; its `$schema` URL spelled with https is not one Ajv knows by that name.
const { $schema: _draft, ...schemaBody } = schema;
const validateCompose = new Ajv({ allErrors: true, strict: false }).compile(schemaBody);
const schemaErrors = (document: unknown) =>
  validateCompose(document) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

describe('the Compose Specification schema', () => {
  it('is the specification (from the dclint package)', () => {
    expect(schema.title).toBe('Compose Specification');
    expect(_draft).toMatch(/draft-07/);
  });

  it('accepts compose.yaml as written', () => {
    expect(schemaErrors(load(composeText))).toEqual([]);
  });

  it('accepts compose.yaml as Compose interpolates it', () => {
    expect(schemaErrors(interpolate(load(composeText), filledEnv()))).toEqual([]);
  });

  it.each([
    ['a condition Compose does not know', 'condition: service_healthy', 'condition: service_ready'],
    ['a misspelt health check setting', 'start_period: 60s', 'start_periode: 60s'],
    ['a key no service has', '    stop_grace_period: 20s', '    stop_grace: 20s'],
  ])('refuses %s', (_what, from, to) => {
    expect(composeText).toContain(from);
    expect(schemaErrors(load(composeText.replace(from, to))).length).toBeGreaterThan(0);
  });
});

describe('dclint', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'takst-compose-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  // Every rule dclint has, at its own level (an empty `rules` leaves them all on).
  const lint = (file: string) =>
    new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] })
      .lintFiles([file], false)
      .flatMap((result) => result.messages.map((m) => `${m.line}: ${m.rule}: ${m.message}`));

  it('finds nothing in compose.yaml', () => {
    expect(lint(composeFile)).toEqual([]);
  });

  it('finds a port published on every interface, and an image without a version', () => {
    const variant = path.join(scratch, 'compose.yaml');
    const hostIp = `        host_ip: ${v('TAKST_HTTP_ADDRESS:-127.0.0.1')}\n`;
    expect(composeText).toContain(hostIp);
    writeFileSync(variant, composeText.replace(hostIp, '').replace('image: postgres:18', 'image: postgres'));
    const findings = lint(variant).join('\n');
    expect(findings).toMatch(/no-unbound-port-interfaces/);
    expect(findings).toMatch(/service-image-require-explicit-tag/);
  });
});

describe('no secret is committed', () => {
  it('in compose.yaml: every password, key and secret comes from the environment, without a default', () => {
    expect(committedSecrets(load(composeText))).toEqual([]);
  });

  const password = v('POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (docker/.env.example)');
  it.each([
    ['a password', `POSTGRES_PASSWORD: ${password}`, 'POSTGRES_PASSWORD: postgres'],
    ['a default password', `${password}@`, `${v('POSTGRES_PASSWORD:-postgres')}@`],
    ['a password in DATABASE_URL', `postgres://takst:${password}@`, 'postgres://takst:hunter2@'],
    ['a key with a default', v('TAKST_BOOTSTRAP_ADMIN_KEY:-'), v(`TAKST_BOOTSTRAP_ADMIN_KEY:-tk_${'A'.repeat(43)}`)],
  ])('refuses %s', (_what, from, to) => {
    expect(composeText).toContain(from);
    expect(committedSecrets(load(composeText.replace(from, to))).length).toBeGreaterThan(0);
  });

  it('refuses list-form environments and commands with secrets in them', () => {
    const compose = load(composeText);
    compose.services.worker.environment = ['TAKST_SECRETS_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='];
    compose.services.server.command = ['node', 'main.js', '--db', 'postgres://takst:s3cret@postgres/takst'];
    expect(committedSecrets(compose)).toEqual([
      '.services.server.command[3] (a password in a URL)',
      '.services.worker.environment[0]',
    ]);
  });

  it('in docker/.env.example: placeholders only, and it names every variable compose.yaml reads', () => {
    const example = envFile(envExampleText);
    expect(Object.keys(example).sort()).toEqual([...referencedVariables(composeText)].sort());
    const secretValues = Object.entries(example).filter(([name, value]) => SECRET_NAME.test(name) && value !== '');
    expect(secretValues).toEqual([]);
  });

  it('and docker/.env, where the real values go, stays out of git and of the image', () => {
    const ignoredByGit = (file: string) =>
      spawnSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: repoRoot }).status === 0;
    expect(ignoredByGit('docker/.env')).toBe(true);
    expect(ignoredByGit('docker/.env.production')).toBe(true);
    expect(ignoredByGit('docker/.env.example')).toBe(false);
    const dockerignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(dockerignore).toEqual(expect.arrayContaining(['**/.env', '**/.env.*']));
  });
});

describe('the variables compose.yaml requires', () => {
  it('are the database password and the secrets key: without them, or with .env.example as it is, Compose refuses', () => {
    for (const env of [{}, envFile(envExampleText)]) {
      expect(() => interpolate(load(composeText), env)).toThrow(MissingVariables);
      try {
        interpolate(load(composeText), env);
      } catch (error) {
        expect(String(error)).toMatch(/POSTGRES_PASSWORD/);
        expect(String(error)).toMatch(/TAKST_SECRETS_KEY/);
      }
    }
    const { POSTGRES_PASSWORD: _pw, ...withoutPassword } = filledEnv();
    expect(() => interpolate(load(composeText), withoutPassword)).toThrow(/POSTGRES_PASSWORD/);
  });

  it('make one DATABASE_URL for the servers and the worker, on the database postgres creates', () => {
    const env = filledEnv();
    const { services } = interpolate(load(composeText), env);
    const postgres = environmentOf(services.postgres);
    const url = new URL(String(environmentOf(services.server).DATABASE_URL));
    expect(environmentOf(services.worker).DATABASE_URL).toBe(url.toString());
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(postgres.POSTGRES_USER);
    expect(url.password).toBe(env.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(postgres.POSTGRES_PASSWORD).toBe(env.POSTGRES_PASSWORD);
    expect(environmentOf(services.worker).TAKST_SECRETS_KEY).toBe(env.TAKST_SECRETS_KEY);
    expect(environmentOf(services.server).TAKST_SECRETS_KEY).toBe(env.TAKST_SECRETS_KEY);
  });
});

// ---------------------------------------------------------------------------------------------

const durationMs = (text: string) => {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
};

describe('the services', () => {
  const { services } = interpolate(load(composeText), filledEnv());
  const imagePort = Number(/^ENV HOST=0\.0\.0\.0 \\\n\s+PORT=(\d+)\b/m.exec(dockerfileText)?.[1]);

  it('are PostgreSQL, the servers, one webhook worker and the proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'proxy', 'server', 'worker']);
    expect(Number(services.server.deploy?.replicas)).toBe(2);
    expect(services.worker.deploy?.replicas ?? 1).toBe(1);
  });

  it('each have a health check, and start only once what they need is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test?.[0], name).toBe('CMD');
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.server.depends_on ?? {})).toEqual(['postgres']);
    expect(Object.keys(services.worker.depends_on ?? {})).toEqual(['postgres']);
    expect(Object.keys(services.proxy.depends_on ?? {})).toEqual(['server']);
  });

  it('postgres: pg_isready over TCP, as the database role', () => {
    const test = testOf(services.postgres);
    expect(test.slice(1, 4)).toEqual(['pg_isready', '-h', '127.0.0.1']);
    expect(test[test.indexOf('-U') + 1]).toBe(environmentOf(services.postgres).POSTGRES_USER);
  });

  it("server: GET /readyz with Node's fetch, on the image's port; webhooks left to the worker", () => {
    expect(imagePort).toBe(3000);
    const test = testOf(services.server);
    expect(test.slice(1, 3)).toEqual(['node', '-e']);
    expect(test[3]).toContain(`fetch('http://127.0.0.1:${imagePort}/readyz')`);
    expect(environmentOf(services.server).TAKST_WEBHOOK_WORKER).toBe('false');
    expect(services.server.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    expect(existsSync(path.join(dockerDir, services.server.build?.context ?? '', 'docker/Dockerfile'))).toBe(true);
  });

  it('worker: the same image running the `worker` command, healthy while it holds its LISTEN connection', () => {
    expect(services.worker.image).toBe(services.server.image);
    expect(services.worker.command).toEqual(['node', 'apps/server/dist/main.js', 'worker']);
    const usage = execFileSync(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(usage).toMatch(/^\s+worker\s/m);
    const test = testOf(services.worker)[3];
    const listener = readFileSync(path.join(repoRoot, 'apps/server/src/webhooks/listener.ts'), 'utf8');
    const applicationName = /application_name: '([^']+)'/.exec(listener)?.[1];
    expect(applicationName).toBeTruthy();
    expect(test).toContain(`application_name = '${applicationName}'`);
    expect(test).toContain('inet_client_addr()');
  });

  it('server and worker get longer than their own shutdown timeout to stop', () => {
    for (const name of ['server', 'worker'] as const) {
      expect(durationMs(services[name].stop_grace_period ?? '10s'), name).toBeGreaterThan(10_000);
    }
  });

  it('only the proxy publishes a port, on this host only unless told otherwise', () => {
    for (const name of ['postgres', 'server', 'worker'] as const) expect(services[name].ports, name).toBeUndefined();
    expect(services.server.container_name).toBeUndefined();
    expect(services.proxy.ports).toEqual([{ target: 8080, published: '3000', host_ip: '127.0.0.1', protocol: 'tcp' }]);
  });

  it('proxy: an nginx that can re-resolve its upstream (1.27.3 or newer), with docker/nginx.conf', () => {
    const version = /^nginx:(\d+)\.(\d+)(?:\.(\d+))?-alpine$/.exec(services.proxy.image ?? '');
    expect(version).not.toBeNull();
    const [major = 0, minor = 0, patch = 0] = (version ?? []).slice(1).map((part) => Number(part ?? 0));
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_027_003);
    expect(services.proxy.volumes).toEqual(['./nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
  });
});

// ---------------------------------------------------------------------------------------------
// docker/nginx.conf, read as nginx reads it: directives and blocks, and the location a request
// path ends up in (exact match, then the longest prefix unless a regular expression matches).

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

function parseNginx(text: string): Directive[] {
  const tokens = [...text.replace(/#[^\n]*/g, '').matchAll(/"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};"]+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );
  let at = 0;
  const next = () => tokens[at++] ?? '}';
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    while (at < tokens.length && tokens[at] !== '}') {
      const name = next();
      const args: string[] = [];
      while (at < tokens.length && tokens[at] !== ';' && tokens[at] !== '{') args.push(next());
      if (next() === '{') {
        directives.push({ name, args, block: block() });
        next(); // the block's }
      } else directives.push({ name, args });
    }
    return directives;
  };
  return block();
}

const nginx = parseNginx(nginxText);
const one = (directives: Directive[] | undefined, name: string, first?: string) =>
  directives?.find((d) => d.name === name && (first === undefined || d.args[0] === first));
const server = one(nginx, 'server')?.block ?? [];
const locations = server.filter((d) => d.name === 'location');
/** `location [modifier] pattern`. */
const modifierOf = (location: Directive): string => (location.args.length > 1 ? (location.args[0] ?? '') : '');
const patternOf = (location: Directive) => location.args.at(-1) ?? '';

/** The location nginx picks for a request path. */
function locationFor(requestPath: string): Directive | undefined {
  const exact = locations.find((l) => modifierOf(l) === '=' && patternOf(l) === requestPath);
  if (exact) return exact;
  const prefixes = locations
    .filter((l) => ['', '^~'].includes(modifierOf(l)) && requestPath.startsWith(patternOf(l)))
    .sort((a, b) => patternOf(b).length - patternOf(a).length);
  if (prefixes[0] && modifierOf(prefixes[0]) === '^~') return prefixes[0];
  const regex = locations.find(
    (l) =>
      ['~', '~*'].includes(modifierOf(l)) &&
      new RegExp(patternOf(l), modifierOf(l) === '~*' ? 'i' : '').test(requestPath),
  );
  return regex ?? prefixes[0];
}

/** A directive's value in a location: its own, else the server block's. */
const effective = (location: Directive | undefined, name: string) =>
  (one(location?.block, name) ?? one(server, name))?.args;

/** An nginx size: 6m, 512k, 1024. */
const nginxSize = (text: string) => {
  const match = /^(\d+)([km]?)$/i.exec(text);
  if (!match) throw new Error(`not a size: ${text}`);
  return Number(match[1]) * { '': 1, k: 1024, m: 1024 ** 2 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm'];
};

describe('the proxy (docker/nginx.conf)', () => {
  const upstream = one(nginx, 'upstream', 'takst_servers')?.block;
  const { services } = interpolate(load(composeText), filledEnv());

  it("balances over every replica of the server service, re-resolved through Docker's DNS", () => {
    const peer = one(upstream, 'server')?.args ?? [];
    expect(peer[0]).toBe('server:3000');
    expect(Object.keys(services)).toContain(peer[0]?.split(':')[0]);
    expect(peer).toContain('resolve');
    expect(one(upstream, 'zone')).toBeDefined();
    expect(one(upstream, 'resolver')?.args[0]).toBe('127.0.0.11');
  });

  it('listens where compose publishes it, and answers its own health check', () => {
    expect(one(server, 'listen')?.args).toEqual(['8080']);
    const healthUrl = new URL(testOf(services.proxy).at(-1) ?? '');
    expect(healthUrl.port).toBe('8080');
    expect(one(locationFor(healthUrl.pathname)?.block, 'return')?.args[0]).toBe('200');
  });

  it('streams every subscription (REST and tRPC) unbuffered, with a read timeout above the 15 s ping', () => {
    const subscriptions = restOperations().filter((operation) => operation.type === 'subscription');
    expect(subscriptions.map((s) => s.procedure)).toContain('events.subscribe');
    for (const subscription of subscriptions) {
      const restPath = `${REST_PREFIX}${subscription.path.replace(/\{[^}]+\}/g, 'x')}`;
      for (const requestPath of [restPath, `/trpc/${subscription.procedure}`]) {
        const location = locationFor(requestPath);
        expect(effective(location, 'proxy_pass'), requestPath).toEqual(['http://takst_servers']);
        expect(effective(location, 'proxy_buffering'), requestPath).toEqual(['off']);
        expect(durationMs(effective(location, 'proxy_read_timeout')?.[0] ?? '60s'), requestPath).toBeGreaterThan(
          30_000,
        );
      }
    }
  });

  it('buffers the rest as usual, streams NDJSON exports, and lets the server refuse big bodies itself', () => {
    expect(effective(locationFor('/trpc/assignments.list'), 'proxy_buffering')).toBeUndefined();
    expect(effective(locationFor('/trpc/assignments.list'), 'proxy_pass')).toEqual(['http://takst_servers']);
    for (const exportPath of [EXPORT_NDJSON_PATH, EXPORT_NDJSON_REST_PATH]) {
      expect(effective(locationFor(exportPath), 'proxy_buffering'), exportPath).toEqual(['off']);
    }
    expect(nginxSize(one(server, 'client_max_body_size')?.args[0] ?? '1m')).toBeGreaterThan(MAX_BODY_BYTES);
  });

  it('passes on the Host asked for and the scheme, which the servers compare with Origin', () => {
    const headers = server.filter((d) => d.name === 'proxy_set_header').map((d) => d.args);
    expect(headers).toContainEqual(['Host', '$http_host']);
    expect(headers).toContainEqual(['X-Forwarded-Proto', '$takst_forwarded_proto']);
    // A location with a proxy_set_header of its own would inherit none of these.
    for (const location of locations) expect(one(location.block, 'proxy_set_header')).toBeUndefined();
  });
});

// Docker Compose itself, where it is installed (not on the CI machine): TAKST_DOCKER_COMPOSE
// names a docker-compose binary, else `docker compose` is tried.
const composeCommand = ((): [string, ...string[]] | null => {
  const candidates: [string, ...string[]][] = [
    ...(process.env.TAKST_DOCKER_COMPOSE ? [[process.env.TAKST_DOCKER_COMPOSE] as [string]] : []),
    ['docker', 'compose'],
  ];
  return (
    candidates.find(([cmd, ...args]) => spawnSync(cmd, [...args, 'version'], { stdio: 'ignore' }).status === 0) ?? null
  );
})();

describe.runIf(composeCommand)('docker compose config', () => {
  const [cmd, ...pre] = composeCommand ?? ['docker'];
  const config = (env: Record<string, string>) =>
    spawnSync(cmd, [...pre, '-f', composeFile, 'config', '--quiet'], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env },
      encoding: 'utf8',
    });

  it('accepts compose.yaml with the required variables, and refuses it without', () => {
    expect(config(filledEnv()).status).toBe(0);
    const refused = config({});
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/required variable (POSTGRES_PASSWORD|TAKST_SECRETS_KEY) is missing/);
    const { TAKST_SECRETS_KEY: _key, ...withoutKey } = filledEnv();
    expect(config(withoutKey).stderr).toMatch(/required variable TAKST_SECRETS_KEY is missing/);
  });
});
