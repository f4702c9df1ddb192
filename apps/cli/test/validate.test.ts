import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FieldValues } from '../src/columns';
import { csvFieldReader, defaultMapping, loadMapping } from '../src/import/mapping';
import { toItem } from '../src/import/validate';
import { tempDir } from './support/temp';

const good: FieldValues = {
  external_system: 'crm',
  external_id: 'A-1',
  type: 'condition_report',
  street: 'Storgata 1',
  postal_code: '0155',
  city: 'Oslo',
  municipality: '0301',
  gnr: '208',
  bnr: '84',
  client_name: 'Kari Nordmann',
  client_email: 'kari@example.no',
  due_date: '2026-12-24',
};

describe('toItem', () => {
  it('makes a bulkUpsert item keyed by the external reference', () => {
    expect(toItem(good)).toEqual({
      ok: true,
      item: {
        key: { externalRef: { system: 'crm', externalId: 'A-1' } },
        assignment: {
          type: 'condition_report',
          property: {
            address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
            cadastre: { municipality: '0301', gnr: 208, bnr: 84 },
          },
          client: { name: 'Kari Nordmann', email: 'kari@example.no' },
          dueDate: '2026-12-24',
        },
      },
    });
  });

  it('keys by reference without an external reference, and takes a cooperative share', () => {
    const { external_system, external_id, municipality, gnr, bnr, ...rest } = good;
    const outcome = toItem({ ...rest, reference: '2026-000123', share_org_number: '923609016', share_number: '12' });
    expect(outcome).toMatchObject({
      ok: true,
      item: {
        key: { reference: '2026-000123' },
        assignment: { property: { share: { organizationNumber: '923609016', shareNumber: '12' } } },
      },
    });
  });

  it('reports every problem of a row, each naming its column', () => {
    const outcome = toItem({
      ...good,
      external_id: undefined,
      type: 'house',
      postal_code: '155',
      gnr: 'x',
      client_email: 'not-mail',
      client_org_number: '123456789',
      due_date: '2026-02-30',
      notes: 'fnr 01019012480',
    });
    expect(outcome.ok).toBe(false);
    const errors = outcome.ok ? [] : outcome.errors;
    expect(errors).toEqual([
      'external_system and external_id go together: give both, or neither and a reference',
      expect.stringContaining('type must be one of condition_report'),
      'postal_code must be 4 digits, not "155"',
      'gnr must be a whole number from 1 to 99999, not "x"',
      'client_email must be an e-mail address, not "not-mail"',
      'client_org_number "123456789" is not a valid organisation number (9 digits, mod-11)',
      'due_date must be a date YYYY-MM-DD, not "2026-02-30"',
      'notes looks like it holds a national identity number',
    ]);
  });

  it('needs a key, the address and the client', () => {
    const outcome = toItem({ type: 'valuation' });
    expect(outcome.ok ? [] : outcome.errors).toEqual([
      'external_system and external_id, or reference, is required',
      'street is required',
      'postal_code is required',
      'city is required',
      'client_name is required',
    ]);
  });

  it('refuses a national identity number only when it is one, as the platform does', () => {
    const notes = (text: string) => toItem({ ...good, notes: text });
    expect(notes('konto 01019012345, ordre 12345678901').ok).toBe(true);
    expect(notes('eier 010190 12480').ok).toBe(false);
  });
});

describe('mapping', () => {
  const dir = tempDir('mapping');

  it('reads columns by other names, with defaults and translated values', () => {
    const file = path.join(dir, 'map.json');
    writeFileSync(
      file,
      JSON.stringify({
        columns: { external_id: 'Ordrenr', street: 'Adresse', type: 'Oppdragstype' },
        defaults: { external_system: 'legacy', city: 'Oslo' },
        values: { type: { Tilstandsrapport: 'condition_report' } },
      }),
    );
    const reader = csvFieldReader(
      ['Ordrenr', 'Adresse', 'Oppdragstype', 'postal_code', 'city', 'client_name', 'Extra'],
      loadMapping(file),
    );
    expect(reader.unusedColumns).toEqual(['Extra']);
    expect(reader.read([' 77 ', 'Storgata 1', 'Tilstandsrapport', '0155', '', 'Kari', 'x'])).toEqual({
      external_system: 'legacy',
      external_id: '77',
      street: 'Storgata 1',
      type: 'condition_report',
      postal_code: '0155',
      city: 'Oslo',
      client_name: 'Kari',
    });
  });

  it('refuses a header without the required columns, at once', () => {
    expect(() => csvFieldReader(['external_system', 'external_id', 'street'], defaultMapping())).toThrow(
      'The header lacks the columns type; postal_code; city; client_name',
    );
    expect(() => csvFieldReader(['type', 'street', 'postal_code', 'city', 'client_name'], defaultMapping())).toThrow(
      'external_system and external_id, or reference',
    );
  });

  it('refuses a mapping that names unknown fields', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ columns: { streets: 'Adresse' } }));
    expect(() => loadMapping(file)).toThrow('columns names unknown fields: streets');
  });
});
