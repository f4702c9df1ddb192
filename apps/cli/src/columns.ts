import type { Assignment } from '@takst/sdk';

/**
 * The columns of a CSV import (and of `takst export --format csv`, so an export imports back).
 * A row is keyed by external_system + external_id when both are given, else by reference.
 */
export const IMPORT_COLUMNS = [
  'external_system',
  'external_id',
  'reference',
  'type',
  'street',
  'postal_code',
  'city',
  'unit_number',
  'municipality',
  'gnr',
  'bnr',
  'fnr',
  'snr',
  'share_org_number',
  'share_number',
  'client_name',
  'client_email',
  'client_phone',
  'client_org_number',
  'due_date',
  'notes',
] as const;

export type ImportField = (typeof IMPORT_COLUMNS)[number];
export type FieldValues = Partial<Record<ImportField, string>>;

/** Read-only columns an export adds after the import columns. */
export const EXPORT_EXTRA_COLUMNS = ['status', 'id', 'version', 'created_at', 'updated_at'] as const;
export const EXPORT_COLUMNS = [...IMPORT_COLUMNS, ...EXPORT_EXTRA_COLUMNS] as const;

/** Columns an import knows and skips: an export's read-only ones and a failures file's own. */
export const IGNORED_COLUMNS: ReadonlySet<string> = new Set([...EXPORT_EXTRA_COLUMNS, 'line', 'reason']);

const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

/** An assignment as one export row, in EXPORT_COLUMNS order. */
export function exportRow(assignment: Assignment): string[] {
  const { property, client } = assignment;
  return [
    '',
    '',
    assignment.reference,
    assignment.type,
    property.address.street,
    property.address.postalCode,
    property.address.city,
    text(property.address.unitNumber),
    text(property.cadastre?.municipality),
    text(property.cadastre?.gnr),
    text(property.cadastre?.bnr),
    text(property.cadastre?.fnr),
    text(property.cadastre?.snr),
    text(property.share?.organizationNumber),
    text(property.share?.shareNumber),
    client.name,
    text(client.email),
    text(client.phone),
    text(client.organizationNumber),
    text(assignment.dueDate),
    text(assignment.notes),
    assignment.status,
    assignment.id,
    String(assignment.version),
    assignment.createdAt,
    assignment.updatedAt,
  ];
}

/** An exported assignment (an NDJSON export line) as import fields. */
export function assignmentFields(assignment: Assignment): FieldValues {
  const row = exportRow(assignment);
  const values: FieldValues = {};
  IMPORT_COLUMNS.forEach((field, index) => {
    const value = row[index];
    if (value) values[field] = value;
  });
  return values;
}
