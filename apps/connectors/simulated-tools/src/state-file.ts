// Optional persistence of a simulated tool's state in one JSON file, so a tool started from the
// command line keeps its bookings across restarts. Written whole after every change, through a
// temporary file and a rename, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function loadStateFile<State>(file: string | undefined): State | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as State;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new Error(`${file} is not a state file of this tool: ${(error as Error).message}`);
  }
}

export function saveStateFile(file: string | undefined, state: unknown): void {
  if (!file) return;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}
