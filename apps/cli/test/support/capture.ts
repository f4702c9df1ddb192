import { Writable } from 'node:stream';
import type { Io } from '../../src/cli/io';

/** A stream that keeps what is written, as a terminal or a pipe would show it. */
export class Capture extends Writable {
  text = '';

  constructor(readonly isTTY = false) {
    super();
  }

  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

export interface TestIo extends Io {
  stdout: Capture;
  stderr: Capture;
  controller: AbortController;
}

export function testIo(env: Record<string, string> = {}): TestIo {
  const controller = new AbortController();
  return {
    stdout: new Capture(),
    stderr: new Capture(),
    env,
    interrupt: controller.signal,
    controller,
    now: () => Date.now(),
  };
}
