// The `@takst/sdk/node` entry: what needs Node.js itself, kept out of the main entry so that one
// stays usable in browsers and edge runtimes.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointStore } from './checkpoints';

export type { CheckpointStore } from './checkpoints';

interface CheckpointFile {
  sequence: number;
  savedAt: string;
}

const errorCode = (error: unknown) => (error as { code?: unknown }).code;

function parsedCheckpoint(file: string, text: string): number {
  let sequence: unknown;
  try {
    sequence = (JSON.parse(text) as Partial<CheckpointFile>).sequence;
  } catch {
    sequence = undefined;
  }
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw new Error(`${file} is not a checkpoint file ({ "sequence": <a whole number> }); move it away or fix it`);
  }
  return sequence;
}

/** Makes the rename itself durable; a folder cannot be opened for fsync everywhere (Windows), so that is best effort. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    // not supported for folders here
  } finally {
    await handle?.close();
  }
}

/**
 * A checkpoint in a JSON file (`{ "sequence": 1234, "savedAt": "…" }`). Each save writes a
 * temporary file beside it, fsyncs it and renames it over the old one, so a crash or a power
 * cut leaves the old checkpoint or the new one, never a torn file. The folder is created when
 * missing.
 */
export function fileCheckpoint(file: string): CheckpointStore {
  const target = path.resolve(file);
  const folder = path.dirname(target);

  return {
    async load() {
      try {
        return parsedCheckpoint(target, await readFile(target, 'utf8'));
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return null;
        throw error;
      }
    },
    async save(sequence) {
      if (!Number.isSafeInteger(sequence) || sequence < 0) {
        throw new RangeError(`A checkpoint is an event's sequence, a whole number 0 or more, not ${sequence}`);
      }
      await mkdir(folder, { recursive: true });
      const contents: CheckpointFile = { sequence, savedAt: new Date().toISOString() };
      const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const handle = await open(temporary, 'w');
        try {
          await handle.writeFile(`${JSON.stringify(contents)}\n`, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      await syncFolder(folder);
    },
  };
}
