import type { BulkApi } from '../bulk-api';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { checkReadableFile } from '../cli/file-errors';
import { type Io, writeLine } from '../cli/io';
import { count } from '../cli/output';
import { describeError, exitCodeOf } from '../cli/platform-errors';
import { BatchSender } from './batches';
import { FailuresFile, failuresPathOf } from './failures';
import { checkAll } from './first-pass';
import { mappingHash } from './mapping';
import type { ImportOptions } from './options';
import { type ImportIdentity, ImportState, statePathOf } from './state';
import { emptySummary, printSummary, type Summary } from './summary';

export type { ImportOptions } from './options';

/** Resumes when asked and there is something to resume; otherwise starts over. */
async function stateFor(
  options: ImportOptions,
  io: Io,
  identity: ImportIdentity,
): Promise<{ state: ImportState | undefined; statePath: string }> {
  const statePath = statePathOf(options.file);
  if (options.dryRun) return { state: undefined, statePath };
  if (options.resume) {
    const earlier = ImportState.load(statePath, identity);
    if (!earlier) {
      await writeLine(io.stderr, `No interrupted import of ${options.file} to resume; starting from the beginning`);
    }
    return { state: earlier, statePath };
  }
  if (ImportState.exists(statePath)) {
    await writeLine(
      io.stderr,
      `An interrupted import of ${options.file} was found; starting over. Pass --resume to continue it instead.`,
    );
  }
  return { state: undefined, statePath };
}

/** How a run that sent batches ended, and its exit code. */
function outcomeOf(io: Io, state: ImportState, stopped: unknown, summary: Summary) {
  if (state.doneBatches === state.totalBatches) {
    const code = summary.invalid > 0 || summary.failed > 0 ? EXIT.failed : EXIT.ok;
    return { code, interrupted: false, error: null, resumable: false };
  }
  if (io.interrupt.aborted || stopped === undefined) {
    return { code: EXIT.interrupted, interrupted: true, error: null, resumable: true };
  }
  const code = exitCodeOf(stopped);
  // Only a platform that could not be reached or failed may do better later; a bad key, a
  // missing scope or a refused batch is answered the same again.
  return { code, interrupted: false, error: describeError(stopped), resumable: code === EXIT.unavailable };
}

/** `takst import`: check every row, then upsert the valid ones in idempotent batches. */
export async function runImport(options: ImportOptions, io: Io, connect: () => BulkApi): Promise<ExitCode> {
  const started = io.now();
  checkReadableFile(options.file);
  const failuresPath = failuresPathOf(options.file, options.format);
  // A resume keeps the failures file as it was; the first pass then only reports.
  const resuming = options.resume && !options.dryRun && ImportState.exists(statePathOf(options.file));
  const firstPassFailures =
    options.dryRun || resuming ? undefined : FailuresFile.fresh(failuresPath, options.format, undefined);
  const validation = await checkAll(options, io, firstPassFailures);
  firstPassFailures?.close();
  if (io.interrupt.aborted) return EXIT.interrupted;

  const identity: ImportIdentity = {
    file: options.file,
    fileSha256: validation.fileSha256,
    mappingSha256: mappingHash(options.mapping),
    batchSize: options.batchSize,
  };
  const totalBatches = Math.ceil(validation.valid / options.batchSize);
  const summary = emptySummary(options, validation, totalBatches);
  const { state: earlier, statePath } = await stateFor(options, io, identity);
  if (options.dryRun || (options.strict && validation.invalid > 0)) {
    if (!options.dryRun)
      await writeLine(io.stderr, `${count(validation.invalid)} invalid rows: nothing imported (--strict)`);
    summary.failuresFile = firstPassFailures && firstPassFailures.count > 0 ? failuresPath : null;
    await printSummary(io, options.json, summary);
    return validation.invalid > 0 ? EXIT.failed : EXIT.ok;
  }

  const failuresBytes = earlier ? earlier.failuresBytes : (firstPassFailures?.bytes ?? 0);
  const failures = FailuresFile.continueAt(failuresPath, options.format, validation.header, failuresBytes);
  const state = earlier ?? ImportState.fresh(statePath, identity, totalBatches, failures.bytes);
  state.save();
  const resumedBatches = state.doneBatches;
  const importer = new BatchSender(options, io, connect(), state, failures, validation);
  const doneBefore = importer.progress.done;
  const stopped = await importer.run();

  const seconds = (io.now() - started) / 1000;
  Object.assign(summary, state.counts, {
    sent: true,
    batchesDone: state.doneBatches,
    resumedBatches,
    failuresFile: failures.bytes > 0 ? failuresPath : null,
    seconds,
    rowsPerSecond: seconds > 0 ? (importer.progress.done - doneBefore) / seconds : 0,
  });
  const { code, interrupted, error, resumable } = outcomeOf(io, state, stopped, summary);
  Object.assign(summary, { interrupted, error });
  // Nothing to resume from: a state file would only be in the way of the next run.
  if (state.doneBatches === totalBatches || (state.doneBatches === 0 && !resumable)) state.remove();
  await printSummary(io, options.json, summary, resumable);
  return code;
}
