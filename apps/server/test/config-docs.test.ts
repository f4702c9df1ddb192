import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../src/config';
import { repoRoot } from './support/global-setup';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const webhooksDoc = readFileSync(path.join(repoRoot, 'docs/webhooks.md'), 'utf8');

/** `| \`NAME\` | \`default\` | meaning |` rows of the README's configuration table. */
const readmeDefaults = new Map(
  [...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(?:`([^`]*)`|—|)\s*\|/gm)].map((m) => [m[1], m[2]]),
);

describe('the configuration the docs describe', () => {
  it('names every variable the server reads', () => {
    const undocumented = CONFIG_VARIABLES.filter((name) =>
      name.startsWith('TAKST_WEBHOOK') ? !webhooksDoc.includes(`\`${name}\``) : !readmeDefaults.has(name),
    );
    expect(undocumented).toEqual([]);
  });

  it('gives the defaults the server uses', () => {
    const defaults = loadConfig({}) as Record<string, unknown>;
    const stated = [...readmeDefaults].filter(([, value]) => value !== undefined);
    expect(stated.length).toBeGreaterThan(5);
    for (const [name, value] of stated) expect(String(defaults[name as string]), name).toBe(value);
  });
});
