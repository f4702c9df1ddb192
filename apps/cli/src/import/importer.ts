import type { BulkApi } from '../bulk-api';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { type Io, writeLine } from '../cli/io';
import { count } from '../cli/output';
import { describeError, exitCodeOf } from '../cli/platform-errors';
import { BatchSender } from './batches';
import { FailuresFile, failuresPathOf } from './failures';
import { checkAll, type Validation } from './first-pass';
import { mappingHash } from './mapping';
import type { ImportOptions } from './options';
import { type ImportIdentity, ImportState, statePathOf } from './state';
import { emptySummary, printSummary } from './summary';

export type { ImportOptions } from './options';

/** Resumes when asked and there is something to resume; otherwise starts over. */
async function stateFor(
  options: ImportOptions,
  io: Io,
  identity: ImportIdentity,
): Promise<{ state: ImportState | undefined; statePath: string }> {
  const statePath = statePathOf(options.file);
  if (options.dryRun) return { state: undefined, statePath };
  const earlier = ImportState.load(statePath, identity);
  if (options.resume && !earlier) {
    await writeLine(io.stderr, `No interrupted import of ${options.file} to resume; starting from the beginning`);
  }
  if (!options.resume && earlier) {
    await writeLine(
      io.stderr,
      `An interrupted import of ${options.file} was found (${earlier.doneBatches} of ${earlier.totalBatches} batches done); starting over. Pass --resume to continue it instead.`,
    );
  }
  return { state: options.resume ? earlier : undefined, statePath };
}

/** The exit code of a run that sent batches, with what to do next when it did not finish. */
async function ending(io: Io, state: ImportState, stopped: unknown, validation: Validation, failed: number) {
  if (state.doneBatches === state.totalBatches) {
    return validation.invalid > 0 || failed > 0 ? EXIT.failed : EXIT.ok;
  }
  const interrupted = io.interrupt.aborted || stopped === undefined;
  if (!interrupted) await writeLine(io.stderr, `takst: ${describeError(stopped)}`);
  await writeLine(
    io.stderr,
    `Stopped after ${state.doneBatches} of ${state.totalBatches} batches; run again with --resume to continue.`,
  );
  return interrupted ? EXIT.interrupted : exitCodeOf(stopped);
}

/** `takst import`: check every row, then upsert the valid ones in idempotent batches. */
export async function runImport(options: ImportOptions, io: Io, connect: () => BulkApi): Promise<ExitCode> {
  const started = io.now();
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
  const importer = new BatchSender(options, io, connect(), state, failures, validation);
  const doneBefore = importer.progress.done;
  const stopped = await importer.run();

  const seconds = (io.now() - started) / 1000;
  Object.assign(summary, state.counts, {
    sent: true,
    batchesDone: state.doneBatches,
    failuresFile: failures.bytes > 0 ? failuresPath : null,
    interrupted: state.doneBatches < totalBatches && io.interrupt.aborted,
    seconds,
    rowsPerSecond: seconds > 0 ? (importer.progress.done - doneBefore) / seconds : 0,
  });
  if (state.doneBatches === totalBatches) state.remove();
  await printSummary(io, options.json, summary);
  return ending(io, state, stopped, validation, summary.failed);
}
