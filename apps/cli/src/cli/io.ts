import { once } from 'node:events';
import type { Writable } from 'node:stream';

export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM: commands stop cleanly. */
  interrupt: AbortSignal;
  /** Milliseconds, for rates and timing; Date.now by default. */
  now(): number;
}

/** Writes and waits for the stream to drain when its buffer is full, so output keeps memory flat. */
export async function write(stream: Writable, data: string | Uint8Array): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}

export const writeLine = (stream: Writable, text: string) => write(stream, `${text}\n`);
