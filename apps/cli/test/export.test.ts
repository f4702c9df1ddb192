import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Assignment } from '@takst/sdk';
import { describe, expect, it } from 'vitest';
import type { BulkApi, ExportPage } from '../src/bulk-api';
import { EXIT } from '../src/cli/exit-codes';
import { assignmentFields, EXPORT_COLUMNS } from '../src/columns';
import { type ExportOptions, runExport } from '../src/export/exporter';
import { CsvParser, type CsvRecord } from '../src/import/csv';
import { toItem } from '../src/import/validate';
import { testIo } from './support/capture';
import { tempDir } from './support/temp';

const dir = tempDir('export');

function assignment(n: number): Assignment {
  const party = {
    id: `p-${n}`,
    kind: 'person' as const,
    name: `Kari "K" ${n}`,
    email: null,
    phone: '+47 22 00 00 00',
    organizationNumber: null,
  };
  return {
    id: `id-${n}`,
    reference: `2026-${String(n).padStart(6, '0')}`,
    type: 'valuation',
    status: 'received',
    statusBeforeHold: null,
    version: 3,
    property: {
      id: `prop-${n}`,
      address: { street: `Storgata ${n}, oppgang B`, postalCode: '0155', city: 'Oslo', unitNumber: 'H0101' },
      cadastre: { municipality: '0301', gnr: 208, bnr: n, fnr: 0, snr: 0, id: `0301-208-${n}-0-0` },
      share: null,
    },
    client: party,
    payer: party,
    broker: null,
    appraiser: null,
    dueDate: '2026-12-24',
    notes: 'Line one\nline two',
    createdAt: '2026-11-27T12:00:00.000Z',
    updatedAt: '2026-11-27T12:00:00.000Z',
  };
}

/** `total` assignments in pages; `onPage` runs as each page is asked for. */
function pagesOf(total: number, onPage: (page: number) => void = () => undefined): BulkApi & { asked: number } {
  const api = {
    asked: 0,
    bulkUpsert: () => Promise.reject(new Error('not here')),
    async exportPage(
      _filters: object,
      page: { continuation?: string | undefined; limit: number },
    ): Promise<ExportPage> {
      onPage(api.asked++);
      const from = Number(page.continuation ?? 0);
      const to = Math.min(total, from + page.limit);
      const items = Array.from({ length: to - from }, (_, i) => assignment(from + i + 1));
      return { items, continuation: to < total ? String(to) : null };
    },
  };
  return api;
}

const options = (extra: Partial<ExportOptions>): ExportOptions => ({
  filters: {},
  format: 'ndjson',
  output: undefined,
  pageSize: 10,
  quiet: true,
  json: false,
  ...extra,
});

function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  parser.push(text, records);
  parser.end(records);
  return records;
}

describe('takst export', () => {
  it('streams every page as NDJSON to stdout', async () => {
    const io = testIo();
    expect(await runExport(options({}), io, { pages: pagesOf(25) })).toBe(EXIT.ok);
    const lines = io.stdout.text.trim().split('\n');
    expect(lines).toHaveLength(25);
    expect(JSON.parse(lines[24] ?? '')).toEqual(assignment(25));
  });

  it('writes CSV with the import columns first, which read back as the same assignment', async () => {
    const file = path.join(dir, 'out.csv');
    const io = testIo();
    expect(await runExport(options({ format: 'csv', output: file, json: true }), io, { pages: pagesOf(12) })).toBe(
      EXIT.ok,
    );
    expect(JSON.parse(io.stdout.text)).toMatchObject({ rows: 12, file });
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    expect(header?.fields).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(12);
    const values = Object.fromEntries(EXPORT_COLUMNS.map((column, i) => [column, rows[2]?.fields[i]]));
    expect(values).toMatchObject({
      reference: '2026-000003',
      street: 'Storgata 3, oppgang B',
      notes: 'Line one\nline two',
    });
    expect(toItem(assignmentFields(assignment(3)))).toEqual({
      ok: true,
      item: {
        key: { reference: '2026-000003' },
        assignment: {
          type: 'valuation',
          property: {
            address: { street: 'Storgata 3, oppgang B', postalCode: '0155', city: 'Oslo', unitNumber: 'H0101' },
            cadastre: { municipality: '0301', gnr: 208, bnr: 3, fnr: 0, snr: 0 },
          },
          client: { name: 'Kari "K" 3', phone: '+47 22 00 00 00' },
          dueDate: '2026-12-24',
          notes: 'Line one\nline two',
        },
      },
    });
  });

  it('fetches the next page while writing one, and keeps no partial file when interrupted', async () => {
    const file = path.join(dir, 'interrupted.ndjson');
    const io = testIo();
    const api = pagesOf(1000, (page) => {
      if (page === 3) io.controller.abort();
    });
    expect(await runExport(options({ output: file }), io, { pages: api })).toBe(EXIT.interrupted);
    expect(api.asked).toBe(4);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
