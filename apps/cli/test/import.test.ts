import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes';
import { type ImportOptions, runImport } from '../src/import/importer';
import { defaultMapping } from '../src/import/mapping';
import { testIo } from './support/capture';
import { CSV_HEADER, csvRows, FakePlatform } from './support/fake-platform';
import { tempDir } from './support/temp';

const dir = tempDir('import');

function inputFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const options = (file: string, extra: Partial<ImportOptions> = {}): ImportOptions => ({
  file,
  format: 'csv',
  mapping: defaultMapping(),
  dryRun: false,
  strict: false,
  resume: false,
  concurrency: 2,
  batchSize: 500,
  quiet: true,
  json: true,
  ...extra,
});

/** 11 rows: 3 invalid (lines 4, 7 and 12, a repeat of line 2), 1 the platform refuses (line 9). */
function mixedFile(name: string): string {
  const rows = csvRows(10);
  rows[2] = 'crm,E-3,condition_report,Storgata 3,155,Oslo,0301,3,1,Client 3,client3@example.no';
  rows[5] = 'crm,E-6,condition_report,Storgata 6,0155,Oslo,0301,6,1,,client6@example.no';
  rows[7] = 'crm,E-8,condition_report,Storgata 8,0155,Oslo,0301,8,1,REFUSE 8,client8@example.no';
  return inputFile(name, [CSV_HEADER, ...rows, csvRows(1, 1)[0] ?? '']);
}

const failureLines = (file: string) =>
  readFileSync(`${file}.failures.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);

describe('takst import (against an in-memory platform)', () => {
  it('reports every invalid row with its line, imports the valid ones, and lists the rest with reasons', async () => {
    const file = mixedFile('mixed.csv');
    const platform = new FakePlatform();
    const io = testIo();
    const code = await runImport(options(file), io, () => platform);
    expect(code).toBe(EXIT.failed);
    expect(io.stderr.text).toContain('line 4: postal_code must be 4 digits, not "155"');
    expect(io.stderr.text).toContain('line 7: client_name is required');
    expect(io.stderr.text).toContain('line 12: the same key as line 2');
    expect(platform.stored.size).toBe(7);
    expect(JSON.parse(io.stdout.text)).toMatchObject({
      rows: 11,
      invalid: 3,
      created: 7,
      failed: 1,
      interrupted: false,
    });
    const failures = readFileSync(`${file}.failures.csv`, 'utf8').trim().split('\n');
    expect(failures[0]).toBe(`line,reason,${CSV_HEADER}`);
    expect(failureLines(file)).toEqual(['4', '7', '12', '9']);
    expect(failures[4]).toContain('VALIDATION_FAILED: assignment.client.name: refused by the fake');
    expect(existsSync(`${file}.takst-import.json`)).toBe(false);
  });

  it('checks without sending on a dry run, and imports nothing with --strict', async () => {
    const file = mixedFile('dry.csv');
    const platform = new FakePlatform();
    const io = testIo();
    expect(await runImport(options(file, { dryRun: true }), io, () => platform)).toBe(EXIT.failed);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ rows: 11, invalid: 3, sent: false, dryRun: true });
    expect(existsSync(`${file}.failures.csv`)).toBe(false);
    expect(await runImport(options(file, { strict: true }), testIo(), () => platform)).toBe(EXIT.failed);
    expect(platform.calls).toEqual([]);
  });

  it('stops cleanly on Ctrl-C and resumes where it stopped, with no duplicates', async () => {
    const file = inputFile('big.csv', [CSV_HEADER, ...csvRows(100)]);
    const platform = new FakePlatform();
    const first = testIo();
    platform.beforeAnswer = (call) => {
      if (call === 4) first.controller.abort();
    };
    const code = await runImport(options(file, { batchSize: 10 }), first, () => platform);
    expect(code).toBe(EXIT.interrupted);
    const state = JSON.parse(readFileSync(`${file}.takst-import.json`, 'utf8'));
    const done = state.doneBelow + state.doneAbove.length;
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThan(10);
    expect(JSON.parse(first.stdout.text)).toMatchObject({ interrupted: true, batches: 10, batchesDone: done });

    platform.beforeAnswer = () => undefined;
    const sentBefore = platform.calls.length;
    const second = testIo();
    expect(await runImport(options(file, { batchSize: 10, resume: true }), second, () => platform)).toBe(EXIT.ok);
    expect(JSON.parse(second.stdout.text)).toMatchObject({ rows: 100, created: 100, failed: 0, interrupted: false });
    expect(platform.calls.length - sentBefore).toBe(10 - done);
    expect([...platform.creations.values()].every((times) => times === 1)).toBe(true);
    expect(platform.stored.size).toBe(100);
    expect(existsSync(`${file}.takst-import.json`)).toBe(false);
  });

  it('keeps the failures file whole across a resume', async () => {
    const file = mixedFile('resume-failures.csv');
    const platform = new FakePlatform();
    const first = testIo();
    platform.beforeAnswer = (call) => {
      if (call === 2) first.controller.abort();
    };
    const interrupted = await runImport(options(file, { batchSize: 3, concurrency: 1 }), first, () => platform);
    expect(interrupted).toBe(EXIT.interrupted);
    platform.beforeAnswer = () => undefined;
    expect(await runImport(options(file, { batchSize: 3, resume: true }), testIo(), () => platform)).toBe(EXIT.failed);
    expect(failureLines(file).sort()).toEqual(['12', '4', '7', '9']);
  });

  it('refuses to resume when the file has changed', async () => {
    const file = inputFile('changed.csv', [CSV_HEADER, ...csvRows(30)]);
    const platform = new FakePlatform();
    const first = testIo();
    platform.beforeAnswer = (call) => {
      if (call === 1) first.controller.abort();
    };
    await runImport(options(file, { batchSize: 10, concurrency: 1 }), first, () => platform);
    writeFileSync(file, `${[CSV_HEADER, ...csvRows(31)].join('\n')}\n`);
    await expect(runImport(options(file, { batchSize: 10, resume: true }), testIo(), () => platform)).rejects.toThrow(
      'has changed since the interrupted import',
    );
  });

  it('runs a second import of the same file again rather than replaying the first: it reports the rows unchanged', async () => {
    const file = inputFile('again.csv', [CSV_HEADER, ...csvRows(20)]);
    const platform = new FakePlatform();
    await runImport(options(file, { batchSize: 10 }), testIo(), () => platform);
    const io = testIo();
    expect(await runImport(options(file, { batchSize: 10 }), io, () => platform)).toBe(EXIT.ok);
    expect(new Set(platform.calls).size).toBe(4);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ created: 0, updated: 0, unchanged: 20 });
    expect([...platform.creations.values()].every((times) => times === 1)).toBe(true);
  });

  it('sends a batch whose answer was lost again under its key, and counts the replayed answer once', async () => {
    const file = inputFile('lost.csv', [CSV_HEADER, ...csvRows(20)]);
    const platform = new FakePlatform();
    platform.loseAnswer = (call) => call === 1;
    const io = testIo();
    expect(await runImport(options(file, { batchSize: 10, concurrency: 1 }), io, () => platform)).toBe(EXIT.ok);
    expect(platform.calls).toHaveLength(3);
    expect(platform.calls[1]).toBe(platform.calls[0]);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ created: 20, unchanged: 0 });
  });
});
