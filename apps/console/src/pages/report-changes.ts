import { reportText } from '../text/report';
import { formatKroner } from '../ui/format';
import {
  type Area,
  type ConditionItem,
  type Content,
  formatSquareMeters,
  type StoredContent,
  type ValuationValues,
} from './report-model';

const words = reportText;

/** One field that differs between two contents, said as a person reads it. */
export interface ContentChange {
  /** The item or area it belongs to; empty for a field of the report itself. */
  where: string;
  field: string;
  /** What it became, as text; empty when the item was removed. */
  value: string;
}

const shown = (value: string | undefined | null) =>
  value === undefined || value === null || value.trim() === '' ? words.changes.empty : value;

const itemName = (item: ConditionItem, index: number) =>
  words.changes.item(index + 1, [item.section, item.buildingPart].filter((part) => part.trim() !== '').join(' · '));

const ITEM_FIELDS = [
  ['section', words.condition.section],
  ['room', words.condition.room],
  ['buildingPart', words.condition.buildingPart],
  ['grade', words.condition.grade],
  ['description', words.condition.description],
  ['deviation', words.condition.deviation],
  ['consequence', words.condition.consequence],
  ['costEstimate', words.condition.costEstimate],
] as const satisfies readonly (readonly [keyof ConditionItem, string])[];

function itemValue(item: ConditionItem, field: keyof ConditionItem): string {
  if (field === 'grade') return words.grades[item.grade];
  if (field === 'costEstimate') return item.costEstimate ? words.costEstimates[item.costEstimate] : words.changes.empty;
  return shown(item[field]);
}

function itemChanges(before: readonly ConditionItem[], after: readonly ConditionItem[]): ContentChange[] {
  const changes: ContentChange[] = [];
  for (let index = 0; index < Math.max(before.length, after.length); index++) {
    const was = before[index];
    const is = after[index];
    if (!was && is)
      changes.push({ where: itemName(is, index), field: words.changes.added, value: shown(is.description) });
    else if (was && !is) changes.push({ where: itemName(was, index), field: words.changes.removed, value: '' });
    else if (was && is) {
      for (const [field, label] of ITEM_FIELDS) {
        if ((was[field] ?? '') !== (is[field] ?? '')) {
          changes.push({ where: itemName(is, index), field: label, value: itemValue(is, field) });
        }
      }
    }
  }
  return changes;
}

const VALUE_FIELDS = [
  ['marketValue', words.valuation.marketValue],
  ['loanValue', words.valuation.loanValue],
  ['technicalValue', words.valuation.technicalValue],
] as const satisfies readonly (readonly [keyof ValuationValues, string])[];

function valueChanges(before: ValuationValues, after: ValuationValues): ContentChange[] {
  return VALUE_FIELDS.filter(([field]) => before[field] !== after[field]).map(([field, label]) => ({
    where: words.changes.values,
    field: label,
    value: formatKroner(after[field]),
  }));
}

function areaChanges(before: readonly Area[], after: readonly Area[]): ContentChange[] {
  const changes: ContentChange[] = [];
  for (let index = 0; index < Math.max(before.length, after.length); index++) {
    const was = before[index];
    const is = after[index];
    const where = words.changes.area(index + 1);
    if (!was && is) {
      const value = `${is.kind}, ${words.areas.squareMetersValue(formatSquareMeters(is.squareMeters))}`;
      changes.push({ where, field: words.changes.added, value });
    } else if (was && !is) changes.push({ where, field: words.changes.removed, value: '' });
    else if (was && is) {
      if (was.standard !== is.standard) changes.push({ where, field: words.areas.standard, value: is.standard });
      if (was.kind !== is.kind) changes.push({ where, field: words.areas.kind, value: is.kind });
      if (was.squareMeters !== is.squareMeters) {
        const value = words.areas.squareMetersValue(formatSquareMeters(is.squareMeters));
        changes.push({ where, field: words.areas.squareMeters, value });
      }
      if ((was.floor ?? '') !== (is.floor ?? ''))
        changes.push({ where, field: words.areas.floor, value: shown(is.floor) });
    }
  }
  return changes;
}

const isContent = (value: unknown): value is Content | StoredContent =>
  typeof value === 'object' && value !== null && 'kind' in value;

/**
 * Field by field, what `after` holds that `before` did not: for the conflict banner (what they
 * changed, from the audit entry) and for what was typed but not saved.
 */
export function describeChanges(before: unknown, after: unknown): ContentChange[] {
  if (!isContent(before) || !isContent(after) || before.kind !== after.kind) return [];
  if (before.kind === 'condition' && after.kind === 'condition') {
    const standard =
      before.standardVersion === after.standardVersion
        ? []
        : [{ where: '', field: words.changes.standardVersion, value: shown(after.standardVersion) }];
    return [...standard, ...itemChanges(before.items, after.items)];
  }
  if (before.kind === 'valuation' && after.kind === 'valuation') {
    return [...valueChanges(before.values, after.values), ...areaChanges(before.areas, after.areas)];
  }
  if (before.kind === 'energy' && after.kind === 'energy') {
    const changes: ContentChange[] = [];
    if (before.energyGrade !== after.energyGrade) {
      changes.push({ where: words.changes.energy, field: words.energy.energyGrade, value: after.energyGrade });
    }
    if (before.heatingGrade !== after.heatingGrade) {
      const value = words.energy.heating[after.heatingGrade];
      changes.push({ where: words.changes.energy, field: words.energy.heatingGrade, value });
    }
    return changes;
  }
  if (before.kind === 'area' && after.kind === 'area') return areaChanges(before.areas, after.areas);
  return [];
}
