#!/usr/bin/env node
// The `takst` command runs the one-file build in dist/. This launcher is committed so that
// `npm install` links the command in a fresh checkout before anything is built.
import { existsSync } from 'node:fs';

const built = new URL('../dist/takst.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('takst is not built yet; in the repository run: npm run build -w @takst/cli\n');
  process.exit(2);
}
await import(built.href);
