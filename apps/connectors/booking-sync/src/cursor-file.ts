// Kalendra's change-feed cursor (an opaque string) in a file, written as the SDK writes its
// checkpoint files: a temporary file, fsync, rename, so a crash leaves the old cursor or the new.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface CursorStore {
  load(): Promise<string | null>;
  save(cursor: string): Promise<void>;
}

export function cursorFile(file: string): CursorStore {
  const target = path.resolve(file);
  return {
    async load() {
      try {
        const { cursor } = JSON.parse(await readFile(target, 'utf8')) as { cursor?: unknown };
        if (typeof cursor !== 'string') throw new Error(`${target} holds no cursor; move it away or fix it`);
        return cursor;
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return null;
        throw error;
      }
    },
    async save(cursor) {
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const handle = await open(temporary, 'w');
        try {
          await handle.writeFile(`${JSON.stringify({ cursor, savedAt: new Date().toISOString() })}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}
