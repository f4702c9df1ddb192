import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { usageError } from '../cli/exit-codes';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Refused by the platform, item by item. */
  failed: number;
}

/** What identifies an import: resuming needs the same file, mapping and batch size. */
export interface ImportIdentity {
  file: string;
  fileSha256: string;
  mappingSha256: string;
  batchSize: number;
}

/**
 * The sidecar `<input>.takst-import.json`: which batches the platform has acknowledged, the
 * counts so far, and how long the failures file was then. Written after every acknowledged
 * batch, atomically (a new file renamed over the old), so a kill at any moment leaves either
 * the old state or the new one.
 */
interface StoredState extends ImportIdentity {
  version: 2;
  /**
   * This import's own id, part of every batch's idempotency key: a resumed import sends its
   * batches under the same keys, a new import of the same file under new ones.
   */
  runId: string;
  totalBatches: number;
  /** Every batch below this index is done... */
  doneBelow: number;
  /** ...and these above it (batches finish out of order when several are in flight). */
  doneAbove: number[];
  counts: ImportCounts;
  failuresBytes: number;
}

export const statePathOf = (input: string) => `${input}.takst-import.json`;

export class ImportState {
  readonly #path: string;
  readonly #state: StoredState;
  readonly #doneAbove: Set<number>;

  private constructor(path: string, state: StoredState) {
    this.#path = path;
    this.#state = state;
    this.#doneAbove = new Set(state.doneAbove);
  }

  static fresh(path: string, identity: ImportIdentity, totalBatches: number, failuresBytes: number): ImportState {
    const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    return new ImportState(path, {
      version: 2,
      runId: randomUUID(),
      ...identity,
      totalBatches,
      doneBelow: 0,
      doneAbove: [],
      counts,
      failuresBytes,
    });
  }

  static exists(path: string): boolean {
    return existsSync(path);
  }

  /** The state of an interrupted import of the same input, or undefined when there is none. */
  static load(path: string, identity: ImportIdentity): ImportState | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let state: StoredState;
    try {
      state = JSON.parse(text) as StoredState;
    } catch {
      throw usageError(`The resume state ${path} is damaged; delete it to start over`);
    }
    if (state.version !== 2) {
      throw usageError(`The resume state ${path} is from another version of takst; run without --resume to start over`);
    }
    if (state.fileSha256 !== identity.fileSha256) {
      throw usageError(`${identity.file} has changed since the interrupted import; run without --resume to start over`);
    }
    if (state.mappingSha256 !== identity.mappingSha256 || state.batchSize !== identity.batchSize) {
      throw usageError(
        'The interrupted import used another mapping or batch size; use the same ones, or run without --resume',
      );
    }
    return new ImportState(path, state);
  }

  get runId(): string {
    return this.#state.runId;
  }

  get counts(): Readonly<ImportCounts> {
    return this.#state.counts;
  }

  get failuresBytes(): number {
    return this.#state.failuresBytes;
  }

  get totalBatches(): number {
    return this.#state.totalBatches;
  }

  get doneBatches(): number {
    return this.#state.doneBelow + this.#doneAbove.size;
  }

  isDone(batch: number): boolean {
    return batch < this.#state.doneBelow || this.#doneAbove.has(batch);
  }

  /** Records an acknowledged batch and saves. */
  markDone(batch: number, counts: ImportCounts, failuresBytes: number): void {
    this.#doneAbove.add(batch);
    while (this.#doneAbove.delete(this.#state.doneBelow)) this.#state.doneBelow++;
    const total = this.#state.counts;
    total.created += counts.created;
    total.updated += counts.updated;
    total.unchanged += counts.unchanged;
    total.failed += counts.failed;
    this.#state.failuresBytes = failuresBytes;
    this.save();
  }

  save(): void {
    this.#state.doneAbove = [...this.#doneAbove].sort((a, b) => a - b);
    const temporary = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#state, null, 2)}\n`);
    renameSync(temporary, this.#path);
  }

  /** The import is complete: nothing left to resume. */
  remove(): void {
    rmSync(this.#path, { force: true });
  }
}
