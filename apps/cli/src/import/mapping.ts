import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usageError } from '../cli/exit-codes';
import { fileProblem } from '../cli/file-errors';
import { type FieldValues, IGNORED_COLUMNS, IMPORT_COLUMNS, type ImportField } from '../columns';

/**
 * How the input's columns become import fields. The mapping file:
 *
 *     { "columns":  { "external_id": "Ordrenr", "street": "Adresse" },
 *       "defaults": { "external_system": "crm", "type": "condition_report" },
 *       "values":   { "type": { "Tilstandsrapport": "condition_report" } } }
 *
 * `columns`: which input column holds a field (a field not named is read from the column of its
 * own name); `defaults`: a field's value when its column is missing or empty; `values`: input
 * values translated to the platform's.
 */
export interface Mapping {
  columns: Record<ImportField, string>;
  defaults: FieldValues;
  values: Partial<Record<ImportField, Record<string, string>>>;
}

const FIELDS: ReadonlySet<string> = new Set(IMPORT_COLUMNS);

export const defaultMapping = (): Mapping => ({
  columns: Object.fromEntries(IMPORT_COLUMNS.map((field) => [field, field])) as Record<ImportField, string>,
  defaults: {},
  values: {},
});

function stringRecord(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw usageError(`${where} must be an object`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw usageError(`${where}.${key} must be a string`);
  }
  return value as Record<string, string>;
}

function checkFields(record: Record<string, unknown>, where: string): void {
  const unknown = Object.keys(record).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) {
    throw usageError(
      `${where} names unknown fields: ${unknown.join(', ')}; the fields are ${IMPORT_COLUMNS.join(', ')}`,
    );
  }
}

/** Reads and checks a mapping file; without one, every field is read from its own column. */
export function loadMapping(file: string | undefined): Mapping {
  const mapping = defaultMapping();
  if (file === undefined) return mapping;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read the mapping file ${file}: ${fileProblem(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`The mapping file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(`The mapping file ${file} must hold an object with "columns", "defaults" and "values"`);
  }
  const { columns, defaults, values, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw usageError(`The mapping file ${file} has unknown keys: ${Object.keys(rest).join(', ')}`);
  }
  const columnRecord = stringRecord(columns, 'columns');
  const defaultRecord = stringRecord(defaults, 'defaults');
  checkFields(columnRecord, 'columns');
  checkFields(defaultRecord, 'defaults');
  Object.assign(mapping.columns, columnRecord);
  mapping.defaults = defaultRecord as FieldValues;
  if (values !== undefined) {
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      throw usageError('values must be an object');
    checkFields(values as Record<string, unknown>, 'values');
    for (const [field, table] of Object.entries(values)) {
      mapping.values[field as ImportField] = stringRecord(table, `values.${field}`);
    }
  }
  return mapping;
}

/** Identifies a mapping, so a resumed import can tell it is mapped as before. */
export function mappingHash(mapping: Mapping): string {
  return createHash('sha256').update(JSON.stringify(mapping)).digest('hex');
}

/** A field's value after trimming, translation and defaults; empty counts as absent. */
function finalValue(mapping: Mapping, field: ImportField, raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return mapping.defaults[field];
  return mapping.values[field]?.[trimmed] ?? trimmed;
}

/** Fields without which no row can be imported; a CSV header lacking one is refused at once. */
const REQUIRED_FIELDS: ImportField[] = ['type', 'street', 'postal_code', 'city', 'client_name'];

export interface CsvFieldReader {
  read(fields: string[]): FieldValues;
  /** Header columns that are neither mapped nor known: ignored, but worth a warning. */
  unusedColumns: string[];
}

/** Compiles the mapping against a CSV header: each field's column position, found once. */
export function csvFieldReader(header: string[], mapping: Mapping): CsvFieldReader {
  const names = header.map((name) => name.trim());
  const duplicates = names.filter((name, index) => name !== '' && names.indexOf(name) !== index);
  if (duplicates.length > 0)
    throw usageError(`The header names a column twice: ${[...new Set(duplicates)].join(', ')}`);
  const positions = IMPORT_COLUMNS.map((field) => [field, names.indexOf(mapping.columns[field])] as const);
  const present = (field: ImportField) =>
    names.includes(mapping.columns[field]) || mapping.defaults[field] !== undefined;
  const missing = REQUIRED_FIELDS.filter((field) => !present(field)).map((field) => mapping.columns[field]);
  const keyed = present('reference') || (present('external_system') && present('external_id'));
  if (!keyed)
    missing.push(
      `${mapping.columns.external_system} and ${mapping.columns.external_id}, or ${mapping.columns.reference}`,
    );
  if (missing.length > 0) throw usageError(`The header lacks the columns ${missing.join('; ')}`);
  const mapped = new Set(Object.values(mapping.columns));
  const unusedColumns = names.filter((name) => name !== '' && !mapped.has(name) && !IGNORED_COLUMNS.has(name));
  return {
    unusedColumns,
    read(fields) {
      const values: FieldValues = {};
      for (const [field, position] of positions) {
        const value = finalValue(mapping, field, position === -1 ? undefined : fields[position]);
        if (value !== undefined) values[field] = value;
      }
      return values;
    },
  };
}

/** Reads the fields of one flat JSON object (an NDJSON line) through the mapping. */
export function objectFields(object: Record<string, unknown>, mapping: Mapping): FieldValues {
  const values: FieldValues = {};
  for (const field of IMPORT_COLUMNS) {
    const raw = object[mapping.columns[field]];
    const text =
      raw === null || raw === undefined ? undefined : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    const value = finalValue(mapping, field, text);
    if (value !== undefined) values[field] = value;
  }
  return values;
}
