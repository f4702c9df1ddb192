import { z } from 'zod';
import { boundedText, idSchema, timestampSchema, withoutNationalId } from './common';
import { REPORT_KINDS, REPORT_STATUSES } from './enums';

export const reportKindSchema = z.enum(REPORT_KINDS);
export const reportStatusSchema = z.enum(REPORT_STATUSES);

/** Free text in a report may be anything but a national identity number. */
const reportText = (max: number) => withoutNationalId(boundedText(max));

// ---- Condition (tilstandsrapport, skadetakst, reklamasjon, overtakelse) ----

/** Tilstandsgrad: TG0 (no deviation) to TG3 (large deviation); TGIU: not investigated. */
export const CONDITION_GRADES = ['TG0', 'TG1', 'TG2', 'TG3', 'TGIU'] as const;
/** The grades a condition report's summary lists. */
export const SUMMARY_GRADES = ['TG2', 'TG3', 'TGIU'] as const;
/** Cost of the action, in NOK, as the buckets of the standard. */
export const COST_ESTIMATES = ['under_10k', '10k_50k', '50k_100k', '100k_300k', 'over_300k'] as const;

export const conditionGradeSchema = z.enum(CONDITION_GRADES);
export const costEstimateSchema = z.enum(COST_ESTIMATES);

export const conditionItemSchema = z.object({
  section: reportText(200),
  room: reportText(200).optional(),
  buildingPart: reportText(200),
  grade: conditionGradeSchema,
  description: reportText(10_000),
  deviation: reportText(10_000).optional(),
  consequence: reportText(10_000).optional(),
  costEstimate: costEstimateSchema.optional(),
});

export const conditionSummaryItemSchema = z.object({
  section: z.string(),
  buildingPart: z.string(),
  room: z.string().optional(),
  grade: z.enum(SUMMARY_GRADES),
  description: z.string(),
});

/** A Norwegian Standard and its year, e.g. NS3600:2018. */
const standardVersionSchema = z
  .string()
  .trim()
  .regex(/^NS ?\d{4}(-\d+)?:\d{4}$/, 'Name the standard and its year, e.g. NS3600:2018');

const conditionShape = {
  kind: z.literal('condition'),
  standardVersion: standardVersionSchema,
  items: z.array(conditionItemSchema).max(1_000),
};

// ---- Areas (NS 3940) ----

export const AREA_STANDARDS = ['NS3940:2023', 'NS3940:2012'] as const;
/** NS 3940:2023 measures BRA split by use; reports before 2024 used P-rom and S-rom. */
export const AREA_KINDS_BY_STANDARD = {
  'NS3940:2023': ['BRA-i', 'BRA-e', 'BRA-b', 'TBA', 'ALH'],
  'NS3940:2012': ['P-rom', 'S-rom'],
} as const satisfies Record<(typeof AREA_STANDARDS)[number], readonly string[]>;
export const AREA_KINDS = [...AREA_KINDS_BY_STANDARD['NS3940:2023'], ...AREA_KINDS_BY_STANDARD['NS3940:2012']] as const;

const MAX_SQUARE_METERS = 1_000_000;
const hasAtMostOneDecimal = (value: number) => Math.round(value * 10) / 10 === value;

export const areaSchema = z
  .object({
    standard: z.enum(AREA_STANDARDS),
    kind: z.enum(AREA_KINDS),
    squareMeters: z
      .number()
      .min(0)
      .max(MAX_SQUARE_METERS)
      .refine(hasAtMostOneDecimal, 'Give square metres with at most one decimal'),
    floor: reportText(50).optional(),
  })
  .superRefine((area, ctx) => {
    const kinds: readonly string[] = AREA_KINDS_BY_STANDARD[area.standard];
    if (!kinds.includes(area.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `${area.kind} is not an area of ${area.standard}; use one of ${kinds.join(', ')}`,
      });
    }
  });

/** One report measures by one standard; mixing the 2012 and the 2023 standard is a mistake. */
const areasSchema = z
  .array(areaSchema)
  .max(500)
  .refine((areas) => new Set(areas.map((a) => a.standard)).size <= 1, 'All areas of a report follow one standard');

// ---- Valuation (verdi-/lånetakst, verdivurdering, forhåndstakst) ----

/** 10 billion NOK: above any single Norwegian property, well inside a safe integer. */
export const MAX_ORE = 1_000_000_000_000;
/** Money as integer øre (1 NOK = 100 øre). */
export const oreSchema = z.number().int('Give money as whole øre').min(0).max(MAX_ORE);

export const valuationValuesSchema = z.object({
  marketValue: oreSchema,
  loanValue: oreSchema.optional(),
  technicalValue: oreSchema.optional(),
});

// ---- Energy certificate (energiattest) ----

export const ENERGY_GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
/** Oppvarmingskarakter: how much of the heating can come from other sources than electricity, oil or gas. */
export const HEATING_GRADES = ['red', 'orange', 'yellow', 'light_green', 'dark_green'] as const;

// ---- Content, by kind ----

const summaryRefused = z
  .never({ error: 'The summary is derived by the server from the items; do not send it' })
  .optional();

export const conditionContentInput = z.object({ ...conditionShape, summary: summaryRefused });
export const valuationContentSchema = z.object({
  kind: z.literal('valuation'),
  values: valuationValuesSchema,
  areas: areasSchema,
});
export const energyContentSchema = z.object({
  kind: z.literal('energy'),
  energyGrade: z.enum(ENERGY_GRADES),
  heatingGrade: z.enum(HEATING_GRADES),
});
export const areaContentSchema = z.object({ kind: z.literal('area'), areas: areasSchema });

/** What a client sends: the content of the report's kind (`REPORT_KIND_BY_TYPE`). */
export const reportContentInput = z.discriminatedUnion('kind', [
  conditionContentInput,
  valuationContentSchema,
  energyContentSchema,
  areaContentSchema,
]);

export const conditionContentSchema = z.object({ ...conditionShape, summary: z.array(conditionSummaryItemSchema) });

/** What the server returns: as sent, and for a condition report the summary derived from the items. */
export const reportContentSchema = z.discriminatedUnion('kind', [
  conditionContentSchema,
  valuationContentSchema,
  energyContentSchema,
  areaContentSchema,
]);

type ConditionItem = z.output<typeof conditionItemSchema>;
type ConditionSummaryItem = z.output<typeof conditionSummaryItemSchema>;

const isSummaryGrade = (grade: string): grade is ConditionSummaryItem['grade'] =>
  (SUMMARY_GRADES as readonly string[]).includes(grade);

/** Every TG2, TG3 and TGIU item, in the order of the report. */
export function conditionSummaryOf(items: readonly ConditionItem[]): ConditionSummaryItem[] {
  const summary: ConditionSummaryItem[] = [];
  for (const item of items) {
    if (!isSummaryGrade(item.grade)) continue;
    const { section, buildingPart, room, grade, description } = item;
    summary.push({ section, buildingPart, ...(room === undefined ? {} : { room }), grade, description });
  }
  return summary;
}

// ---- The report version ----

export const reportSchema = z.object({
  id: idSchema,
  assignmentId: idSchema,
  /** 1 for the first version of an assignment's report, one more for each revision. */
  number: z.number().int().min(1),
  kind: reportKindSchema,
  status: reportStatusSchema,
  content: reportContentSchema,
  /** The author's appraiser record. */
  authorId: idSchema,
  /** The person who started this version (signed in, or acted for); null when an API client did. */
  authorUserId: idSchema.nullable(),
  /** The reviewer's appraiser record; null until approved, or when a reviewer without one approved. */
  reviewerId: idSchema.nullable(),
  /** The person who approved it; null until then, or when an API client did. */
  reviewerUserId: idSchema.nullable(),
  /** The delivered version this one revises. */
  revisesId: idSchema.nullable(),
  submittedAt: timestampSchema.nullable(),
  approvedAt: timestampSchema.nullable(),
  deliveredAt: timestampSchema.nullable(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

const expectedVersion = z.number().int().min(1);

/** `authorId`: the author's appraiser record; a person leaves it out (they are the author), an API client sends it. */
export const createReportDraftInput = z.object({
  assignmentId: idSchema,
  authorId: idSchema.optional(),
  content: reportContentInput,
});

/** Replaces the whole content of a draft. */
export const updateReportDraftInput = z.object({ id: idSchema, expectedVersion, content: reportContentInput });
export const submitReportInput = z.object({ id: idSchema, expectedVersion });
/** `reviewerId`: the reviewer's appraiser record; a person leaves it out (they are the reviewer), an API client sends it. */
export const approveReportInput = z.object({ id: idSchema, reviewerId: idSchema.optional(), expectedVersion });
/** Delivers an approved revision of a report whose assignment was already delivered. */
export const deliverRevisionInput = z.object({ id: idSchema, expectedVersion });
export const rejectReportInput = z.object({ id: idSchema, reason: reportText(2_000), expectedVersion });

/** Revises the latest delivered version, named by its assignment or by its id; the author defaults to its author. */
export const reviseReportInput = z
  .object({ assignmentId: idSchema.optional(), id: idSchema.optional(), authorId: idSchema.optional() })
  .refine((input) => (input.assignmentId === undefined) !== (input.id === undefined), {
    message: 'Give either assignmentId or id',
    path: ['assignmentId'],
  });

export const getReportInput = z.object({ id: idSchema });
export const listReportsInput = z.object({ assignmentId: idSchema });
/** Every version of one assignment's report, oldest first; few enough to need no pages. */
export const reportListSchema = z.object({ items: z.array(reportSchema) });

export type ReportContentInput = z.output<typeof reportContentInput>;
export type ReportContentDto = z.output<typeof reportContentSchema>;
export type ReportDto = z.output<typeof reportSchema>;
export type CreateReportDraftInput = z.output<typeof createReportDraftInput>;
export type UpdateReportDraftInput = z.output<typeof updateReportDraftInput>;
export type ApproveReportInput = z.output<typeof approveReportInput>;
export type RejectReportInput = z.output<typeof rejectReportInput>;
export type ReviseReportInput = z.output<typeof reviseReportInput>;
export type ConditionItemDto = ConditionItem;
export type AreaDto = z.output<typeof areaSchema>;
