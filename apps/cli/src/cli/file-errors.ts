import { accessSync, constants, statSync } from 'node:fs';
import { usageError } from './exit-codes';

// Node's own text repeats the code and the path ("ENOENT: no such file or directory, open 'x'"),
// which reads badly after a message that names the file already.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it exists already',
};

const codeOf = (error: unknown) => (error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? '') : '');

/** A file the command was told to read or write that cannot be. */
export const isFileError = (error: unknown) => Object.hasOwn(REASONS, codeOf(error));

/** Why a file could not be used, in words: "no such file or directory". */
export function fileProblem(error: unknown): string {
  return REASONS[codeOf(error)] ?? (error instanceof Error ? error.message : String(error));
}

/** One line naming the file and the problem: "Cannot open out/x.csv: no such file or directory". */
export function describeFileError(error: NodeJS.ErrnoException): string {
  const what = error.path ? `${error.syscall ?? 'use'} ${error.path}` : (error.syscall ?? 'use a file');
  return `Cannot ${what}: ${fileProblem(error)}`;
}

/** Refuses (exit 2, nothing sent) an input that is missing, unreadable or not a file. */
export function checkReadableFile(file: string): void {
  let problem: string | undefined;
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isDirectory()) problem = REASONS.EISDIR;
  } catch (error) {
    problem = fileProblem(error);
  }
  if (problem !== undefined) throw usageError(`Cannot read ${file}: ${problem}`);
}
