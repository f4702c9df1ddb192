import { z } from 'zod';
import {
  boundedText,
  expectedVersionSchema,
  idSchema,
  timestampSchema,
  versionSchema,
  withoutNationalId,
} from './common';
import { REPORT_KINDS, REPORT_STATUSES } from './enums';

export const reportKindSchema = z.enum(REPORT_KINDS).meta({
  description:
    "What the report holds, by the assignment's type: condition (condition, damage, complaint and handover reports), valuation, energy or area.",
  examples: ['condition'],
});
export const reportStatusSchema = z.enum(REPORT_STATUSES).meta({
  description:
    'draft: being written; submitted: sent for review; approved: by a reviewer; delivered: to the client (final).',
  examples: ['draft'],
});

/** Free text in a report may be anything but a national identity number. */
const reportText = (max: number) => withoutNationalId(boundedText(max));

// ---- Condition (tilstandsrapport, skadetakst, reklamasjon, overtakelse) ----

/** Tilstandsgrad: TG0 (no deviation) to TG3 (large deviation); TGIU: not investigated. */
export const CONDITION_GRADES = ['TG0', 'TG1', 'TG2', 'TG3', 'TGIU'] as const;
/** The grades a condition report's summary lists. */
export const SUMMARY_GRADES = ['TG2', 'TG3', 'TGIU'] as const;
/** Cost of the action, in NOK, as the buckets of the standard. */
export const COST_ESTIMATES = ['under_10k', '10k_50k', '50k_100k', '100k_300k', 'over_300k'] as const;

export const conditionGradeSchema = z.enum(CONDITION_GRADES).meta({
  description: 'Condition grade (tilstandsgrad): TG0 (no deviation) to TG3 (large deviation); TGIU: not investigated.',
  examples: ['TG2'],
});
export const costEstimateSchema = z.enum(COST_ESTIMATES).meta({
  description: 'Cost of the action needed, in NOK, as the buckets of the standard: under 10 000 to over 300 000.',
  examples: ['10k_50k'],
});

export const conditionItemSchema = z
  .object({
    section: reportText(200).meta({
      description: 'The section of the report, up to 200 characters.',
      examples: ['Våtrom'],
    }),
    room: reportText(200)
      .optional()
      .meta({
        description: 'The room, where the item is about one; up to 200 characters.',
        examples: ['Bad 1. etasje'],
      }),
    buildingPart: reportText(200).meta({
      description: 'The building part examined, up to 200 characters.',
      examples: ['Membran, tettesjikt og sluk'],
    }),
    grade: conditionGradeSchema.describe('The condition grade given.'),
    description: reportText(10_000).describe('What was found, up to 10 000 characters.'),
    deviation: reportText(10_000)
      .optional()
      .describe('The deviation from the expected state, if any; up to 10 000 characters.'),
    consequence: reportText(10_000)
      .optional()
      .describe('What the deviation may lead to, if any; up to 10 000 characters.'),
    costEstimate: costEstimateSchema.optional().describe('What the action needed will cost, as a bucket.'),
  })
  .meta({ description: 'One building part examined in a condition report, and the grade it was given.' });

export const conditionSummaryItemSchema = z
  .object({
    section: z.string().describe('The section of the report.'),
    buildingPart: z.string().describe('The building part.'),
    room: z.string().optional().describe('The room, where the item is about one.'),
    grade: z.enum(SUMMARY_GRADES).meta({ description: 'TG2, TG3 or TGIU.', examples: ['TG3'] }),
    description: z.string().describe('What was found.'),
  })
  .meta({ description: 'An item of a condition report graded TG2, TG3 or TGIU, as the summary lists it.' });

/** A Norwegian Standard and its year, e.g. NS3600:2018. */
const standardVersionSchema = z
  .string()
  .trim()
  .regex(/^NS ?\d{4}(-\d+)?:\d{4}$/, 'Name the standard and its year, e.g. NS3600:2018')
  .meta({
    description: 'The Norwegian Standard the report follows, and its year.',
    examples: ['NS3600:2018'],
  });

const conditionShape = {
  kind: z.literal('condition').describe('condition: a condition, damage, complaint or handover report.'),
  standardVersion: standardVersionSchema,
  items: z.array(conditionItemSchema).max(1_000).describe('The building parts examined, up to 1 000, in report order.'),
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
    standard: z.enum(AREA_STANDARDS).meta({
      description: 'The standard it is measured by: NS3940:2023, or NS3940:2012 for reports before 2024.',
      examples: ['NS3940:2023'],
    }),
    kind: z.enum(AREA_KINDS).meta({
      description:
        "The area measured, one of the standard's: NS3940:2023 BRA-i (internal), BRA-e (external), BRA-b (enclosed balcony), TBA (open balcony/terrace), ALH (open area); NS3940:2012 P-rom (primary rooms), S-rom (secondary rooms).",
      examples: ['BRA-i'],
    }),
    squareMeters: z
      .number()
      .min(0)
      .max(MAX_SQUARE_METERS)
      .refine(hasAtMostOneDecimal, 'Give square metres with at most one decimal')
      .meta({ description: 'The area in square metres, 0–1 000 000, at most one decimal.', examples: [74.5] }),
    floor: reportText(50)
      .optional()
      .meta({
        description: 'The floor measured, in words, up to 50 characters; leave out for the whole.',
        examples: ['2. etasje'],
      }),
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
  })
  .meta({ description: 'One area measured (NS 3940); `kind` must be an area of `standard`.' });

/** One report measures by one standard; mixing the 2012 and the 2023 standard is a mistake. */
const areasSchema = z
  .array(areaSchema)
  .max(500)
  .refine((areas) => new Set(areas.map((a) => a.standard)).size <= 1, 'All areas of a report follow one standard')
  .describe('The areas measured, up to 500, all by one standard.');

// ---- Valuation (verdi-/lånetakst, verdivurdering, forhåndstakst) ----

/** 10 billion NOK: above any single Norwegian property, well inside a safe integer. */
export const MAX_ORE = 1_000_000_000_000;
/** Money as integer øre (1 NOK = 100 øre). */
export const oreSchema = z
  .number()
  .int('Give money as whole øre')
  .min(0)
  .max(MAX_ORE)
  .meta({
    description: 'An amount of money in NOK, as whole øre (1 NOK = 100 øre), 0 to 1 000 000 000 000 (10 billion NOK).',
    examples: [685000000],
  });

export const valuationValuesSchema = z
  .object({
    marketValue: oreSchema.describe('Market value (markedsverdi), in øre.'),
    loanValue: oreSchema.optional().describe('Loan value (lånetakst), in øre, where one was set.'),
    technicalValue: oreSchema.optional().describe('Technical value (teknisk verdi), in øre, where one was set.'),
  })
  .meta({
    description: 'The values set, in øre (1 NOK = 100 øre).',
    examples: [{ marketValue: 685000000, loanValue: 650000000 }],
  });

// ---- Energy certificate (energiattest) ----

export const ENERGY_GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
/** Oppvarmingskarakter: how much of the heating can come from other sources than electricity, oil or gas. */
export const HEATING_GRADES = ['red', 'orange', 'yellow', 'light_green', 'dark_green'] as const;

// ---- Content, by kind ----

const summaryRefused = z
  .never({ error: 'The summary is derived by the server from the items; do not send it' })
  .optional()
  .describe('Do not send: the server derives the summary from the items.');

export const conditionContentInput = z
  .object({ ...conditionShape, summary: summaryRefused })
  .meta({ description: 'The content of a condition report: the standard, and every building part examined.' });
export const valuationContentSchema = z
  .object({
    kind: z.literal('valuation').describe('valuation: a valuation, value assessment or pre-completion valuation.'),
    values: valuationValuesSchema,
    areas: areasSchema,
  })
  .meta({ description: 'The content of a valuation: the values set and the areas measured.' });
export const energyContentSchema = z
  .object({
    kind: z.literal('energy').describe('energy: an energy certificate.'),
    energyGrade: z
      .enum(ENERGY_GRADES)
      .meta({ description: 'Energy grade (energikarakter): A (best) to G.', examples: ['C'] }),
    heatingGrade: z.enum(HEATING_GRADES).meta({
      description:
        'Heating grade (oppvarmingskarakter): how much of the heating can come from other sources than electricity, oil or gas; red (least) to dark_green (most).',
      examples: ['yellow'],
    }),
  })
  .meta({ description: 'The content of an energy certificate (energiattest).' });
export const areaContentSchema = z
  .object({ kind: z.literal('area').describe('area: an area measurement.'), areas: areasSchema })
  .meta({ description: 'The content of an area measurement (arealmåling).' });

/** What a client sends: the content of the report's kind (`REPORT_KIND_BY_TYPE`). */
export const reportContentInput = z
  .discriminatedUnion('kind', [conditionContentInput, valuationContentSchema, energyContentSchema, areaContentSchema])
  .meta({
    description:
      "A report's content, by `kind`, which must be the kind of the assignment's type: condition, valuation, energy or area.",
    examples: [
      {
        kind: 'condition',
        standardVersion: 'NS3600:2018',
        items: [
          {
            section: 'Våtrom',
            room: 'Bad 1. etasje',
            buildingPart: 'Membran, tettesjikt og sluk',
            grade: 'TG2',
            description: 'Badet er fra 1998; membranen er ikke dokumentert.',
            deviation: 'Fall til sluk er for lite.',
            consequence: 'Fare for vann utenfor sluket ved dusjing.',
            costEstimate: '10k_50k',
          },
        ],
      },
    ],
  });

export const conditionContentSchema = z
  .object({
    ...conditionShape,
    summary: z
      .array(conditionSummaryItemSchema)
      .describe('Every item graded TG2, TG3 or TGIU, in report order; derived by the server from `items`.'),
  })
  .meta({ description: 'The content of a condition report, with the summary the server derived from the items.' });

/** What the server returns: as sent, and for a condition report the summary derived from the items. */
export const reportContentSchema = z
  .discriminatedUnion('kind', [conditionContentSchema, valuationContentSchema, energyContentSchema, areaContentSchema])
  .meta({
    id: 'ReportContent',
    description:
      "A report's content, by `kind`: as it was sent, and for a condition report the summary derived from the items.",
  });

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

export const reportSchema = z
  .object({
    id: idSchema.describe("This report version's id."),
    assignmentId: idSchema.describe('The assignment it reports on.'),
    number: z
      .number()
      .int()
      .min(1)
      .meta({
        description: "1 for the first version of an assignment's report, one more for each revision.",
        examples: [1],
      }),
    kind: reportKindSchema.describe("What it holds, by the assignment's type."),
    status: reportStatusSchema.describe('draft, submitted, approved or delivered.'),
    content: reportContentSchema.describe('What the report says, by `kind`.'),
    authorId: idSchema.describe("The author's appraiser record."),
    authorUserId: idSchema
      .nullable()
      .describe('The person (user) who started this version, signed in or acted for; null when an API client did.'),
    reviewerId: idSchema
      .nullable()
      .describe("The reviewer's appraiser record; null until approved, or when a reviewer without one approved."),
    reviewerUserId: idSchema
      .nullable()
      .describe('The person (user) who approved it; null until then, or when an API client did.'),
    revisesId: idSchema.nullable().describe('The delivered version this one revises; null for the first version.'),
    submittedAt: timestampSchema.nullable().describe('When it was last submitted for review; null until then.'),
    approvedAt: timestampSchema.nullable().describe('When it was approved; null until then.'),
    deliveredAt: timestampSchema.nullable().describe('When it was delivered; null until then.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When this version was started.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({
    id: 'Report',
    description:
      "One version of an assignment's report (rapport): drafted, submitted, approved and delivered; a delivered report is revised by a new version.",
  });

const expectedVersion = expectedVersionSchema;
const reportId = idSchema.describe("The report version's id.");

/** `authorId`: the author's appraiser record; a person leaves it out (they are the author), an API client sends it. */
export const createReportDraftInput = z
  .object({
    assignmentId: idSchema.describe('The assignment to report on.'),
    authorId: idSchema
      .optional()
      .describe(
        "The author's appraiser record: a signed-in person leaves it out (they are the author), an API client sends it.",
      ),
    content: reportContentInput,
  })
  .meta({ description: "Starts the first draft of an assignment's report." });

/** Replaces the whole content of a draft. */
export const updateReportDraftInput = z
  .object({ id: reportId, expectedVersion, content: reportContentInput })
  .meta({ description: 'Replaces the whole content of a draft.' });
export const submitReportInput = z
  .object({ id: reportId, expectedVersion })
  .meta({ description: 'Sends a draft for review.' });
/** `reviewerId`: the reviewer's appraiser record; a person leaves it out (they are the reviewer), an API client sends it. */
export const approveReportInput = z
  .object({
    id: reportId,
    reviewerId: idSchema
      .optional()
      .describe(
        "The reviewer's appraiser record: a signed-in person leaves it out (they are the reviewer), an API client sends it. The reviewer is not the author.",
      ),
    expectedVersion,
  })
  .meta({ description: 'Approves a submitted report.' });
/** Delivers an approved revision of a report whose assignment was already delivered. */
export const deliverRevisionInput = z
  .object({ id: reportId, expectedVersion })
  .meta({ description: 'Delivers an approved revision of a report whose assignment was already delivered.' });
export const rejectReportInput = z
  .object({
    id: reportId,
    reason: reportText(2_000).meta({
      description: 'Why it goes back to the author, up to 2 000 characters.',
      examples: ['Mangler dokumentasjon av membran i badet.'],
    }),
    expectedVersion,
  })
  .meta({ description: 'Sends a submitted report back to its author as a draft, saying why.' });

/** Revises the latest delivered version, named by its assignment or by its id; the author defaults to its author. */
export const reviseReportInput = z
  .object({
    assignmentId: idSchema.optional().describe('The assignment whose delivered report to revise; give this or `id`.'),
    id: idSchema.optional().describe('The delivered version to revise; give this or `assignmentId`.'),
    authorId: idSchema
      .optional()
      .describe("The new version's author (an appraiser record); defaults to the author of the delivered version."),
  })
  .refine((input) => (input.assignmentId === undefined) !== (input.id === undefined), {
    message: 'Give either assignmentId or id',
    path: ['assignmentId'],
  })
  .meta({
    description:
      'Starts a revision of the latest delivered version: a new draft with its content, named by the assignment or by the version id.',
  });

export const getReportInput = z.object({ id: reportId }).meta({ description: 'Names one report version by its id.' });
export const listReportsInput = z
  .object({ assignmentId: idSchema.describe('The assignment whose report versions to list.') })
  .meta({ description: "Every version of one assignment's report." });
/** Every version of one assignment's report, oldest first; few enough to need no pages. */
export const reportListSchema = z
  .object({ items: z.array(reportSchema).describe('Every version, oldest first.') })
  .meta({ id: 'ReportList', description: "Every version of one assignment's report, oldest first (no pages)." });

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
