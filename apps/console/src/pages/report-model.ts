import type { Report, RouterInputs } from '@takst/sdk';

/** What a draft holds while it is edited: the content `reports.updateDraft` takes. */
export type Content = RouterInputs['reports']['updateDraft']['content'];
export type ContentKind = Content['kind'];
export type ConditionContent = Extract<Content, { kind: 'condition' }>;
export type ConditionItem = ConditionContent['items'][number];
export type Grade = ConditionItem['grade'];
export type CostEstimate = NonNullable<ConditionItem['costEstimate']>;
export type ValuationContent = Extract<Content, { kind: 'valuation' }>;
export type ValuationValues = ValuationContent['values'];
export type Area = ValuationContent['areas'][number];
export type AreaStandard = Area['standard'];
export type AreaKind = Area['kind'];
export type EnergyContent = Extract<Content, { kind: 'energy' }>;
export type EnergyGrade = EnergyContent['energyGrade'];
export type HeatingGrade = EnergyContent['heatingGrade'];
export type AreaContent = Extract<Content, { kind: 'area' }>;
/** What the server answers: as sent, and for a condition report its derived summary. */
export type StoredContent = Report['content'];
export type ReportStatus = Report['status'];

/** Every member of a union, in an order of our choosing; the compiler says when one is missing. */
const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & (Exclude<T, L[number]> extends never ? unknown : never)): L =>
    list;

export const GRADES = everyOf<Grade>()(['TG0', 'TG1', 'TG2', 'TG3', 'TGIU']);
/** The grades a condition report's summary lists (the server derives the same). */
export const SUMMARY_GRADES: readonly Grade[] = ['TG2', 'TG3', 'TGIU'];
export const COST_ESTIMATES = everyOf<CostEstimate>()(['under_10k', '10k_50k', '50k_100k', '100k_300k', 'over_300k']);
export const ENERGY_GRADES = everyOf<EnergyGrade>()(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
export const HEATING_GRADES = everyOf<HeatingGrade>()(['red', 'orange', 'yellow', 'light_green', 'dark_green']);
export const AREA_STANDARDS = everyOf<AreaStandard>()(['NS3940:2023', 'NS3940:2012']);
/** NS 3940:2023 splits BRA by use; reports measured before 2024 used P-rom and S-rom. */
export const AREA_KINDS_BY_STANDARD: Record<AreaStandard, readonly AreaKind[]> = {
  'NS3940:2023': ['BRA-i', 'BRA-e', 'BRA-b', 'TBA', 'ALH'],
  'NS3940:2012': ['P-rom', 'S-rom'],
};
export const DEFAULT_CONDITION_STANDARD = 'NS3600:2018';

/** The content a new report of this kind starts with; the schema needs every required field filled. */
export function emptyContent(kind: ContentKind): Content {
  switch (kind) {
    case 'condition':
      return { kind, standardVersion: DEFAULT_CONDITION_STANDARD, items: [] };
    case 'valuation':
      return { kind, values: { marketValue: 0 }, areas: [] };
    case 'energy':
      return { kind, energyGrade: 'C', heatingGrade: 'yellow' };
    default:
      return { kind, areas: [] };
  }
}

/** A stored version as editable content: the derived summary is the server's and is never sent back. */
export function editable(stored: StoredContent): Content {
  if (stored.kind !== 'condition') return stored;
  const { summary: _derived, ...content } = stored;
  return content;
}

const blank = (value: string | undefined) => value === undefined || value.trim() === '';
const orNothing = (value: string | undefined) => (blank(value) ? undefined : value);

/** What is sent: optional text left empty is left out, as the schema takes no empty strings. */
export function toWire(content: Content): Content {
  if (content.kind === 'condition') {
    return {
      ...content,
      items: content.items.map((item) => ({
        ...item,
        room: orNothing(item.room),
        deviation: orNothing(item.deviation),
        consequence: orNothing(item.consequence),
      })),
    };
  }
  if (content.kind === 'valuation' || content.kind === 'area') {
    return { ...content, areas: content.areas.map((area) => ({ ...area, floor: orNothing(area.floor) })) };
  }
  return content;
}

/** Two contents hold the same, as the server compares them (undefined is no field). */
export const sameContent = (a: Content, b: Content): boolean => JSON.stringify(toWire(a)) === JSON.stringify(toWire(b));

/** A field by its path inside the content, as the server's validation names it: `items.0.description`. */
export type FieldPath = string;
export const pathOf = (...parts: (string | number)[]): FieldPath => parts.join('.');

/** Required text left empty: saving would be refused, so the editor holds the save and says where. */
export function missingRequired(content: Content): FieldPath[] {
  if (content.kind !== 'condition') return [];
  const missing: FieldPath[] = [];
  if (blank(content.standardVersion)) missing.push('standardVersion');
  content.items.forEach((item, index) => {
    for (const field of ['section', 'buildingPart', 'description'] as const) {
      if (blank(item[field])) missing.push(pathOf('items', index, field));
    }
  });
  return missing;
}

/** Every TG2, TG3 and TGIU item, in the order of the report, with its number. */
export const summaryOf = (items: readonly ConditionItem[]) =>
  items.map((item, index) => ({ item, number: index + 1 })).filter(({ item }) => SUMMARY_GRADES.includes(item.grade));

/** Items side by side with the same section, in the order the sections first appear; the rest keep their order. */
export function groupedBySection<T extends { section: string }>(items: readonly T[]): number[] {
  const order: string[] = [];
  for (const item of items) if (!order.includes(item.section.trim())) order.push(item.section.trim());
  return items
    .map((item, index) => ({ index, group: order.indexOf(item.section.trim()) }))
    .sort((a, b) => a.group - b.group || a.index - b.index)
    .map(({ index }) => index);
}

/** Square metres summed per kind, in the order of the standard. */
export function totalsByKind(areas: readonly Area[]): { kind: AreaKind; squareMeters: number }[] {
  const totals = new Map<AreaKind, number>();
  for (const area of areas) totals.set(area.kind, (totals.get(area.kind) ?? 0) + area.squareMeters);
  const order = Object.values(AREA_KINDS_BY_STANDARD).flat();
  return [...totals]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([kind, squareMeters]) => ({ kind, squareMeters: Math.round(squareMeters * 10) / 10 }));
}

const squareMetersFormat = new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 1 });
export const formatSquareMeters = (value: number): string => squareMetersFormat.format(value);

/** `54,5` or `54.5` as 54.5; null when it is not a number. */
export function parseDecimal(typed: string): number | null {
  const normalised = typed.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(normalised)) return null;
  return Number(normalised);
}
