import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

/**
 * Every ```sh block of docs/examples/curl.md, run with bash against a live server in the order of
 * the page, as one terminal session would: the variables a recipe sets reach the next ones. The
 * recipes read the server and the admin key from $TAKST_URL and $ADMIN.
 */

const markdownPath = fileURLToPath(new URL('../../../docs/examples/curl.md', import.meta.url));
const UNTIL_STOPPED = '<!-- recipe: runs until stopped -->';

interface Recipe {
  /** `<heading> #<n>`: the section it is under and its place there. */
  name: string;
  heading: string;
  code: string;
  /** Follows a stream: stopped by the test once it has shown what it should. */
  untilStopped: boolean;
}

function parseRecipes(markdown: string): Recipe[] {
  const recipes: Recipe[] = [];
  let heading = '';
  let untilStopped = false;
  let block: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (block) {
      if (line.startsWith('```')) {
        const index = recipes.filter((each) => each.heading === heading).length + 1;
        recipes.push({ name: `${heading} #${index}`, heading, code: block.join('\n'), untilStopped });
        block = null;
        untilStopped = false;
      } else {
        block.push(line);
      }
    } else if (line.startsWith('## ')) {
      heading = line.slice(3).trim();
    } else if (line.trim() === UNTIL_STOPPED) {
      untilStopped = true;
    } else if (line.trim() === '```sh') {
      block = [];
    }
  }
  return recipes;
}

const recipes = parseRecipes(await readFile(markdownPath, 'utf8'));

const has = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['curl', 'jq', 'bash'].filter((tool) => !has(tool, ['--version']));

/** What each recipe must print, beyond exiting 0. `$ID` and `$REFERENCE` are the session's. */
const expectations: Record<string, (output: string, vars: Record<string, string>) => void> = {
  'Start #1': (output) => expect(JSON.parse(output)).toMatchObject({ apiClient: 'bootstrap-admin' }),
  'An API client key #1': (output) => expect(output.trim()).toMatch(/^tk_[A-Za-z0-9_-]{43,}$/),
  'Create an assignment #1': (output, vars) =>
    expect(JSON.parse(output)).toEqual({ id: vars.ID, reference: expect.any(String), status: 'received', version: 1 }),
  'Get it #1': (output, vars) => {
    expect(output).toContain(`"reference": "${vars.REFERENCE}"`);
    expect(output.trim().split('\n').at(-1)).toBe(vars.ID);
  },
  'List with filters #1': (output, vars) => {
    const lines = output.trim().split('\n');
    expect(lines).toContain(`${vars.REFERENCE}  received`);
    // The two filters by status, then by words, then by creation time: all five match each.
    expect(lines.filter((line) => / {2}received$/.test(line))).toHaveLength(5);
    expect(lines.filter((line) => / {2}Storgata 12$/.test(line))).toHaveLength(5);
    expect(lines.filter((line) => / {2}due \d{4}-\d{2}-\d{2}$/.test(line))).toHaveLength(5);
  },
  'Page through a list #1': (output) => {
    const references = output.trim().split('\n');
    expect(references).toHaveLength(5);
    expect(new Set(references).size).toBe(5);
  },
  'Move it through its lifecycle #1': (output) =>
    expect(JSON.parse(output)).toEqual({ status: 'confirmed', version: 2 }),
  'Add a note #1': (output) => expect(output).toMatch(/Kundesenteret: Nøkkel hos nabo i 2\. etasje\n?$/),
  'Retry safely with an Idempotency-Key #1': (output) =>
    expect(output.trim().split('\n')).toEqual([
      '{"attempt":1,"status":"on_hold","version":3}',
      '{"attempt":2,"status":"on_hold","version":3}',
    ]),
  'What a refusal looks like #1': (output) => {
    expect(output).toMatch(/^HTTP\/1\.1 409 Conflict\r?$/m);
    expect(output).toMatch(/^content-type: application\/problem\+json\r?$/m);
    const problem = JSON.parse(output.slice(output.indexOf('{')));
    expect(problem).toMatchObject({ status: 409, errorCode: 'VERSION_CONFLICT', currentVersion: 3 });
  },
  'What a refusal looks like #2': (output) =>
    expect(output.trim()).toMatch(/^400 VALIDATION_FAILED: .*"stauts".* \(request [0-9a-f-]{36}\)$/),
  'Export everything as NDJSON #1': (output, vars) => {
    const [count, ...lines] = output.trim().split('\n');
    expect(count?.trim()).toBe('5');
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatch(new RegExp(`^\\{"reference":"${vars.REFERENCE}","status":"on_hold","updatedAt":`));
  },
  'Export everything as NDJSON #2': (output) => expect(output.trim()).toBe('0'),
};

describe.skipIf(missing.length > 0)(
  `docs/examples/curl.md${missing.length ? ` (needs ${missing.join(', ')})` : ''}`,
  () => {
    let server: TestServer;
    let workDir: string;
    const running = new Set<ChildProcess>();

    beforeAll(async () => {
      server = await startTestServer();
      // Four more to list, page and export beside the one the recipes create.
      for (let i = 0; i < 4; i += 1) await server.admin.assignments.create.mutate(assignmentInput());
      workDir = await mkdtemp(path.join(tmpdir(), 'takst-curl-'));
      await writeFile(path.join(workDir, 'state.sh'), '');
    });

    afterAll(async () => {
      for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
      await server?.close();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    const environment = () => ({
      PATH: process.env.PATH ?? '',
      // Not the user's home: no ~/.curlrc changes what the recipes do.
      HOME: workDir,
      LANG: 'C.UTF-8',
      TAKST_URL: server.url,
      ADMIN: server.adminKey,
    });

    /** The recipe with the session so far: `set -a` exports what it sets, saved for the next one. */
    const script = (code: string) => `set -a\n. ./state.sh\nset -eo pipefail\n${code}\nexport -p > ./state.sh\n`;

    async function sessionVariables(): Promise<Record<string, string>> {
      const state = await readFile(path.join(workDir, 'state.sh'), 'utf8');
      return Object.fromEntries([...state.matchAll(/^declare -x (\w+)="(.*)"$/gm)].map((m) => [m[1], m[2]]));
    }

    function runRecipe(code: string): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(
          'bash',
          ['-c', script(code)],
          { cwd: workDir, env: environment(), timeout: 15_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    }

    /** Runs a following recipe until its output satisfies `done` (or 10 s pass), then stops it by its process group. */
    function followUntil(code: string, done: (output: string) => boolean) {
      return new Promise<{ stdout: string; stillRunning: boolean; stderr: string }>((resolve) => {
        const child = spawn('bash', ['-c', script(code)], { cwd: workDir, env: environment(), detached: true });
        running.add(child);
        let stdout = '';
        let stderr = '';
        let stopped = false;
        const stop = () => {
          if (stopped) return;
          stopped = true;
          clearTimeout(timer);
          const stillRunning = child.exitCode === null && child.signalCode === null;
          if (stillRunning && child.pid) process.kill(-child.pid, 'SIGTERM');
          running.delete(child);
          resolve({ stdout, stderr, stillRunning });
        };
        const timer = setTimeout(stop, 10_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          if (done(stdout)) stop();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        child.on('exit', stop);
      });
    }

    it('has a recipe for each thing the page promises, each checked below', () => {
      expect(recipes.map((recipe) => recipe.heading)).toEqual(
        expect.arrayContaining([
          'An API client key',
          'Create an assignment',
          'Get it',
          'List with filters',
          'Page through a list',
          'Move it through its lifecycle',
          'Add a note',
          'Retry safely with an Idempotency-Key',
          'What a refusal looks like',
          'Export everything as NDJSON',
          'Follow events as they happen',
        ]),
      );
      const checked = recipes.filter((recipe) => !recipe.untilStopped).map((recipe) => recipe.name);
      expect(Object.keys(expectations).sort()).toEqual([...checked].sort());
    });

    it('makes every curl of a recipe fail on a refusal, but for the one that shows a refusal', () => {
      for (const recipe of recipes) {
        const commands = recipe.code.replace(/\\\n/g, ' ').split('\n');
        for (const command of commands.filter((line) => /\bcurl\b/.test(line))) {
          if (recipe.name === 'What a refusal looks like #1') expect(command).not.toContain('--fail');
          else expect(command, recipe.name).toContain('--fail-with-body');
        }
      }
    });

    for (const recipe of recipes.filter((each) => !each.untilStopped)) {
      it(`runs: ${recipe.name}`, async () => {
        const result = await runRecipe(recipe.code);
        // -sS: curl is quiet but for errors, and the one refusal a recipe provokes on purpose.
        if (recipe.name === 'What a refusal looks like #2') expect(result.stderr).toMatch(/^curl: \(22\) .* 400\n$/);
        else expect(result.stderr, result.stdout).toBe('');
        expect(result.code).toBe(0);
        expectations[recipe.name]?.(result.stdout, await sessionVariables());
      });
    }

    for (const recipe of recipes.filter((each) => each.untilStopped)) {
      it(`follows until stopped: ${recipe.name}`, async () => {
        const { ID } = await sessionVariables();
        const hold = `"type":"assignment.status_changed","entityType":"assignment","entityId":"${ID}"`;
        const result = await followUntil(recipe.code, (output) => output.includes(hold));
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(/^id: \d+\ndata: \{"sequence":\d+,.*"type":"assignment\.created"/m);
        expect(result.stdout).toContain(hold);
        // Still following when stopped: a stream, not an answer that ended.
        expect(result.stillRunning).toBe(true);
      });
    }

    it('left the server as the recipes said: the assignment on hold at version 3, with its note', async () => {
      const { ID } = await sessionVariables();
      const assignment = await server.admin.assignments.get.query({ id: ID as string });
      expect(assignment).toMatchObject({ status: 'on_hold', statusBeforeHold: 'confirmed', version: 3 });
      const notes = await server.admin.notes.list.query({ assignmentId: ID as string });
      expect(notes.items.map((note) => note.text)).toEqual(['Nøkkel hos nabo i 2. etasje']);
    });
  },
);
