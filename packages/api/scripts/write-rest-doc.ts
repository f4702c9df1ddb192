// `npm run docs:rest`: writes the route table of docs/rest.md from the router's REST meta.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withRestRoutes } from '../src/rest/routes-doc';

const target = fileURLToPath(new URL('../../../docs/rest.md', import.meta.url));
writeFileSync(target, withRestRoutes(readFileSync(target, 'utf8')));
// Formatted as the rest of the docs are, so that `npm run check` stays green.
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}`);
