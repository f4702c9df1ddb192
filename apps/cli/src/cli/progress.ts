import type { OutputStream } from './io';
import { count } from './output';

export interface ProgressOptions {
  /** What is counted, e.g. "rows". */
  unit: string;
  /** How many there will be, when known: then a bar, a percentage and an ETA. */
  total?: number | undefined;
  /** Already done before this run (a resumed import): counted, but not in the rate. */
  done?: number;
  /** A bar redrawn in place on a terminal; else a plain line every `lineIntervalMs`. */
  tty: boolean;
  now: () => number;
  lineIntervalMs?: number;
  /** Nothing at all. */
  quiet?: boolean;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** "1:05:09", "4:09", "0:07". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** Rows done, rate and ETA on stderr: a bar on a terminal, plain lines in logs and pipes. */
export class Progress {
  readonly #stream: OutputStream;
  readonly #options: ProgressOptions;
  readonly #started: number;
  readonly #doneBefore: number;
  #done: number;
  #lastShown = Number.NEGATIVE_INFINITY;
  #shownDone = -1;
  #drawn = false;

  constructor(stream: OutputStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#options = options;
    this.#started = options.now();
    this.#doneBefore = options.done ?? 0;
    this.#done = this.#doneBefore;
  }

  get done(): number {
    return this.#done;
  }

  /** Per second, over this run. */
  rate(now = this.#options.now()): number {
    const seconds = (now - this.#started) / 1000;
    return seconds > 0 ? (this.#done - this.#doneBefore) / seconds : 0;
  }

  add(n: number): void {
    this.#done += n;
    const now = this.#options.now();
    const interval = this.#options.tty ? REDRAW_MS : (this.#options.lineIntervalMs ?? 2000);
    if (now - this.#lastShown >= interval) this.#show(now);
  }

  /** The last state, then a new line: later output starts on a line of its own. */
  finish(): void {
    if (this.#options.quiet) return;
    if (this.#options.tty || this.#shownDone !== this.#done) this.#show(this.#options.now());
    if (this.#options.tty && this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }

  /** Clears the bar so a message can be written, e.g. a row error during the import. */
  clear(): void {
    if (this.#options.tty && this.#drawn) this.#stream.write('\r\x1b[2K');
    this.#drawn = false;
  }

  /** The status line, e.g. "45% 45,000/100,000 rows  2,345 rows/s  ETA 0:23". */
  describe(now = this.#options.now()): string {
    const { total, unit } = this.#options;
    const rate = this.rate(now);
    const parts: string[] = [];
    if (total !== undefined && total > 0) {
      const fraction = Math.min(1, this.#done / total);
      const percent = `${Math.floor(fraction * 100)}%`;
      // On a terminal the bar stays put while the numbers change.
      const bar = this.#options.tty
        ? `[${'#'.repeat(Math.round(fraction * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] ${percent.padStart(4)}`
        : percent;
      parts.push(`${bar} ${count(this.#done)}/${count(total)} ${unit}`);
    } else {
      parts.push(`${count(this.#done)} ${unit}`);
    }
    parts.push(`${count(rate)} ${unit}/s`);
    if (total !== undefined && total > 0 && this.#done < total && rate > 0) {
      parts.push(`ETA ${formatDuration((total - this.#done) / rate)}`);
    } else {
      parts.push(`elapsed ${formatDuration((now - this.#started) / 1000)}`);
    }
    return parts.join('  ');
  }

  #show(now: number): void {
    if (this.#options.quiet) return;
    this.#lastShown = now;
    this.#shownDone = this.#done;
    if (this.#options.tty) {
      this.#stream.write(`\r\x1b[2K${this.describe(now)}`);
      this.#drawn = true;
    } else {
      this.#stream.write(`${this.describe(now)}\n`);
    }
  }
}
