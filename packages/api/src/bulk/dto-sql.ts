import { ISO_MS } from '../lib/read-model';

// The DTOs of assignments, properties and parties built by PostgreSQL, for paths that handle
// them by the thousand and need them only as JSON: the NDJSON export and the events of a bulk
// write. Each mirrors its mapper (toAssignmentDto, toPropertyDto, toPartyDto) field for field;
// bulk.test.ts and export.test.ts compare the two, so a field added to one must go in both.

/** `json_build_object` keeps the API's key order (NDJSON lines); `jsonb_build_object` makes jsonb (events). */
export type JsonBuilder = 'json_build_object' | 'jsonb_build_object';

const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_MS})`;

/** JavaScript's truthiness of a text column, as the mappers test it. */
const present = (column: string) => `coalesce(${column}, '') <> ''`;

export function partySummarySql(build: JsonBuilder, p: string): string {
  return `${build}('id', ${p}.id, 'kind', ${p}.kind, 'name', ${p}.name, 'email', ${p}.email, 'phone', ${p}.phone,
    'organizationNumber', ${p}.organization_number)`;
}

export function propertySummarySql(build: JsonBuilder, p: string): string {
  return `${build}('id', ${p}.id,
    'address', ${build}('street', ${p}.street, 'postalCode', ${p}.postal_code, 'city', ${p}.city,
      'unitNumber', ${p}.unit_number),
    'cadastre', case when ${present(`${p}.cadastre_id`)} and ${present(`${p}.municipality`)} and ${p}.gnr is not null
      and ${p}.bnr is not null then ${build}('municipality', ${p}.municipality, 'gnr', ${p}.gnr, 'bnr', ${p}.bnr,
      'fnr', coalesce(${p}.fnr, 0), 'snr', coalesce(${p}.snr, 0), 'id', ${p}.cadastre_id) end,
    'share', case when ${present(`${p}.cooperative_organization_number`)} and ${present(`${p}.share_number`)}
      then ${build}('organizationNumber', ${p}.cooperative_organization_number, 'shareNumber', ${p}.share_number) end)`;
}

/** An assignment's DTO from `a` and the relations `ASSIGNMENT_RELATIONS` joins (p, c, pay, b, ap). */
export function assignmentDtoSql(build: JsonBuilder): string {
  return `${build}('id', a.id, 'reference', a.reference, 'type', a.type, 'status', a.status,
    'statusBeforeHold', a.status_before_hold, 'version', a.version,
    'property', ${propertySummarySql(build, 'p')},
    'client', ${partySummarySql(build, 'c')},
    'payer', ${partySummarySql(build, 'pay')},
    'broker', case when b.id is null then null else ${partySummarySql(build, 'b')} end,
    'appraiser', case when ap.id is null then null else ${build}('id', ap.id, 'name', ap.name) end,
    'dueDate', a.due_date, 'notes', a.notes, 'createdAt', ${iso('a.created_at')}, 'updatedAt', ${iso('a.updated_at')})`;
}

/** A property's DTO from `p` (jsonb). */
export function propertyDtoSql(p: string): string {
  return `${propertySummarySql('jsonb_build_object', p)} || jsonb_build_object('buildingYear', ${p}.building_year,
    'buildingType', ${p}.building_type, 'version', ${p}.version, 'createdAt', ${iso(`${p}.created_at`)},
    'updatedAt', ${iso(`${p}.updated_at`)})`;
}

/** A party's DTO from `p` (jsonb). */
export function partyDtoSql(p: string): string {
  return `${partySummarySql('jsonb_build_object', p)} || jsonb_build_object(
    'address', case when ${present(`${p}.street`)} and ${present(`${p}.postal_code`)} and ${present(`${p}.city`)}
      then jsonb_build_object('street', ${p}.street, 'postalCode', ${p}.postal_code, 'city', ${p}.city) end,
    'version', ${p}.version, 'createdAt', ${iso(`${p}.created_at`)}, 'updatedAt', ${iso(`${p}.updated_at`)})`;
}
