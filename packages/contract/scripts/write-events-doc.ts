// `npm run docs:events`: writes docs/events.md from the event catalogue.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderEventsDoc } from '../src/events-doc';

const target = fileURLToPath(new URL('../../../docs/events.md', import.meta.url));
writeFileSync(target, renderEventsDoc());
// Formatted as the rest of the docs are, so that `npm run check` stays green.
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}`);
