import { z } from 'zod';
import {
  dateSchema,
  expectedVersionSchema,
  idSchema,
  pageOf,
  paginationInput,
  searchTextSchema,
  timestampSchema,
  versionSchema,
  withoutNationalId,
} from './common';
import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES } from './enums';
import { partyInputSchema, partySummarySchema } from './party';
import { municipalitySchema, propertyInputSchema, propertySummarySchema } from './property';

export const assignmentTypeSchema = z.enum(ASSIGNMENT_TYPES).meta({
  description:
    'The kind of assignment, which decides the report: condition_report (tilstandsrapport), valuation (verditakst/lånetakst), value_assessment (verdivurdering), damage_assessment (skadetakst), complaint_report (reklamasjonsrapport), energy_certificate (energiattest), area_measurement (arealmåling), pre_completion_valuation (forhåndstakst), handover_inspection (overtakelsesbefaring).',
  examples: ['condition_report'],
});
export const assignmentStatusSchema = z.enum(ASSIGNMENT_STATUSES).meta({
  description:
    'Where an assignment is in its lifecycle: received → confirmed → inspection_booked → inspected → drafting → in_review → delivered → invoiced → closed; on_hold (and back) and cancelled from any status before delivered.',
  examples: ['inspection_booked'],
});

/** Human-readable assignment reference: year and a per-year sequence, e.g. 2026-000123. */
export const assignmentReferenceSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{6,}$/, 'Reference looks like 2026-000123')
  .meta({
    description: "An assignment's reference: the year, a dash and a per-year sequence of at least 6 digits.",
    examples: ['2026-000123'],
  });

const notesSchema = withoutNationalId(z.string().trim().max(10_000));
const NOTES = 'Free-text notes on the assignment, up to 10 000 characters; no national identity numbers.';

/** Refuses an object that names a thing both by id and inline, or (when required) not at all. */
function oneOf<T extends Record<string, unknown>>(
  idKey: keyof T & string,
  inlineKey: keyof T & string,
  required: boolean,
) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const byId = value[idKey] !== undefined;
    const inline = value[inlineKey] !== undefined;
    if (byId && inline) {
      ctx.addIssue({ code: 'custom', path: [inlineKey], message: `Give ${idKey} or ${inlineKey}, not both` });
    } else if (required && !byId && !inline) {
      ctx.addIssue({ code: 'custom', path: [inlineKey], message: `Give ${idKey} or ${inlineKey}` });
    }
  };
}

/**
 * Property and parties are given by id, or inline: an inline property is upserted by its
 * identity (cadastre or share), an inline organisation is matched by its organisation number,
 * anything else inline is created. The payer defaults to the client.
 */
export const createAssignmentInput = z
  .object({
    type: assignmentTypeSchema.describe(
      'What kind of assignment it is; it decides the kind of report and the certification the appraiser needs.',
    ),
    propertyId: idSchema.optional().describe('The property, an existing one by id. Give `propertyId` or `property`.'),
    property: propertyInputSchema
      .optional()
      .describe(
        'The property inline: one with the same identity (cadastre or share) is used as it is, else it is created. Give `propertyId` or `property`.',
      ),
    clientId: idSchema
      .optional()
      .describe('The client (who orders the assignment), an existing party by id. Give `clientId` or `client`.'),
    client: partyInputSchema
      .optional()
      .describe(
        'The client inline: an organisation is matched by its organisation number, anyone else is created. Give `clientId` or `client`.',
      ),
    payerId: idSchema
      .optional()
      .describe('Who pays, an existing party by id; not with `payer`. Without either, the client pays.'),
    payer: partyInputSchema
      .optional()
      .describe('Who pays, inline (matched or created as `client` is); not with `payerId`.'),
    brokerId: idSchema
      .optional()
      .describe('The estate agent (megler), if any, an existing party by id; not with `broker`.'),
    broker: partyInputSchema
      .optional()
      .describe('The estate agent inline (matched or created as `client` is); not with `brokerId`.'),
    appraiserId: idSchema
      .optional()
      .describe(
        'The appraiser to give it to at once; they must be active and certified for the type. Leave out to assign later.',
      ),
    dueDate: dateSchema.optional().describe('When the report is due, YYYY-MM-DD.'),
    notes: notesSchema.optional().describe(NOTES),
  })
  .superRefine((value, ctx) => {
    oneOf<typeof value>('propertyId', 'property', true)(value, ctx);
    oneOf<typeof value>('clientId', 'client', true)(value, ctx);
    oneOf<typeof value>('payerId', 'payer', false)(value, ctx);
    oneOf<typeof value>('brokerId', 'broker', false)(value, ctx);
  })
  .meta({
    description:
      'A new assignment. The property and the client are required, each by id or inline; payer and broker are optional. Inline parties and properties are matched to existing ones where they can be (organisation number; cadastre or share), else created.',
    examples: [
      {
        type: 'condition_report',
        property: {
          address: { street: 'Thereses gate 14', postalCode: '0452', city: 'Oslo', unitNumber: 'H0201' },
          cadastre: { municipality: '0301', gnr: 215, bnr: 412, snr: 6 },
          buildingYear: 1936,
          buildingType: 'Leilighet i blokk',
        },
        client: { kind: 'person', name: 'Kari Nordmann', email: 'kari.nordmann@example.no', phone: '+47 912 34 567' },
        broker: { name: 'Eiendomsmegler Bislett AS', organizationNumber: '987654325' },
        dueDate: '2026-03-20',
        notes: 'Nøkkel hos naboen i 2. etasje. Kunden ønsker befaring etter kl. 15.',
      },
    ],
  });

export const appraiserSummarySchema = z
  .object({
    id: idSchema.describe("The appraiser's id."),
    name: z.string().describe("The appraiser's name."),
  })
  .meta({ id: 'AppraiserSummary', description: 'An appraiser as other records show them: id and name.' });

export const assignmentSchema = z
  .object({
    id: idSchema.describe("The assignment's id."),
    reference: z
      .string()
      .meta({ description: 'The human-readable reference: year and per-year sequence.', examples: ['2026-000123'] }),
    type: assignmentTypeSchema.describe('What kind of assignment it is.'),
    status: assignmentStatusSchema.describe('Where it is in its lifecycle.'),
    statusBeforeHold: assignmentStatusSchema
      .nullable()
      .describe('While `on_hold`: the status it returns to when taken off hold; null otherwise.'),
    version: versionSchema,
    property: propertySummarySchema.describe('The property to inspect and report on.'),
    client: partySummarySchema.describe('The client, who ordered the assignment.'),
    payer: partySummarySchema.describe('Who pays: the client, unless another payer was given.'),
    broker: partySummarySchema.nullable().describe('The estate agent (megler); null when there is none.'),
    appraiser: appraiserSummarySchema.nullable().describe('The appraiser it is given to; null while unassigned.'),
    dueDate: dateSchema.nullable().describe('When the report is due, YYYY-MM-DD; null when no date was set.'),
    notes: z.string().nullable().describe('Free-text notes; null when there are none.'),
    createdAt: timestampSchema.describe('When the assignment was received (created).'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({
    id: 'Assignment',
    description:
      'An assignment (oppdrag): a property to inspect and report on for a client, and where the work on it stands.',
  });

export const getAssignmentInput = z
  .object({ id: idSchema.describe("The assignment's id.") })
  .meta({ description: 'Names one assignment by its id.' });
export const getAssignmentByReferenceInput = z
  .object({ reference: assignmentReferenceSchema.describe("The assignment's reference, e.g. 2026-000123.") })
  .meta({ description: 'Names one assignment by its reference.' });

export const ASSIGNMENT_SORT_FIELDS = ['createdAt', 'dueDate'] as const;

export const listAssignmentsInput = z
  .object({
    ...paginationInput,
    status: z
      .array(assignmentStatusSchema)
      .min(1)
      .max(ASSIGNMENT_STATUSES.length)
      .optional()
      .meta({ description: 'Only assignments in one of these statuses.', examples: [['received', 'confirmed']] }),
    type: z
      .array(assignmentTypeSchema)
      .min(1)
      .max(ASSIGNMENT_TYPES.length)
      .optional()
      .meta({ description: 'Only assignments of one of these types.', examples: [['condition_report']] }),
    appraiserId: idSchema.optional().describe('Only assignments given to this appraiser.'),
    clientId: idSchema.optional().describe('Only assignments of this client (a party id).'),
    municipality: municipalitySchema.optional().describe('Only properties in this municipality (kommunenummer).'),
    createdFrom: timestampSchema.optional().describe('Only assignments created at or after this time.'),
    createdTo: timestampSchema.optional().describe('Only assignments created before this time.'),
    dueBefore: dateSchema
      .optional()
      .describe('Only assignments due before this date (exclusive), YYYY-MM-DD; those without a due date never match.'),
    updatedSince: timestampSchema.optional().describe('Only assignments changed at or after this time.'),
    q: searchTextSchema.optional().meta({
      description: 'Free text over reference, address and client name, 2–200 characters; every word must match.',
      examples: ['Thereses gate'],
    }),
    sort: z
      .enum(ASSIGNMENT_SORT_FIELDS)
      .default('createdAt')
      .describe(
        'The order: createdAt (newest first unless `direction` says otherwise) or dueDate (soonest first, undated last).',
      ),
    direction: z
      .enum(['asc', 'desc'])
      .optional()
      .describe('asc or desc; the default depends on `sort` (createdAt: desc, dueDate: asc).'),
  })
  .meta({
    description: 'Filters, order and page of a list of assignments; every filter is optional, and they combine (AND).',
  })
  // Parsed, so `list()` with no argument gets the defaults.
  .prefault({});

export const assignmentPageSchema = pageOf(assignmentSchema).meta({
  id: 'AssignmentPage',
  description: 'One page of assignments; pass `nextCursor` back as `cursor` for the next.',
});

/** Relations by id or inline, as in create; `null` clears an optional field. */
export const assignmentPatchSchema = z
  .object({
    type: assignmentTypeSchema.describe('A new type.'),
    propertyId: idSchema.describe('Another property, by id; not with `property`.'),
    property: propertyInputSchema.describe(
      'Another property, inline (matched or created as in create); not with `propertyId`.',
    ),
    clientId: idSchema.describe('Another client, by id; not with `client`.'),
    client: partyInputSchema.describe('Another client, inline (matched or created as in create); not with `clientId`.'),
    payerId: idSchema.describe('Another payer, by id; not with `payer`.'),
    payer: partyInputSchema.describe('Another payer, inline; not with `payerId`.'),
    brokerId: idSchema.nullable().describe('Another estate agent, by id, or null for none; not with `broker`.'),
    broker: partyInputSchema.describe('Another estate agent, inline; not with `brokerId`.'),
    dueDate: dateSchema.nullable().describe('A new due date, YYYY-MM-DD, or null for none.'),
    notes: notesSchema.nullable().describe(`New notes (replacing the old), or null for none. ${NOTES}`),
  })
  .partial()
  .superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'The patch must change at least one field' });
    }
    oneOf<typeof value>('propertyId', 'property', false)(value, ctx);
    oneOf<typeof value>('clientId', 'client', false)(value, ctx);
    oneOf<typeof value>('payerId', 'payer', false)(value, ctx);
    oneOf<typeof value>('brokerId', 'broker', false)(value, ctx);
  })
  .meta({
    description:
      'The fields to change, at least one; a field left out stays as it is, `null` clears an optional one. Relations by id or inline, as in create.',
    examples: [{ dueDate: '2026-04-01', notes: 'Befaring flyttet etter ønske fra kunden.' }],
  });

export const updateAssignmentInput = z
  .object({
    id: idSchema.describe("The assignment's id."),
    expectedVersion: expectedVersionSchema,
    patch: assignmentPatchSchema,
  })
  .meta({ description: "Changes an assignment's fields (not its status or appraiser: see transition and assign)." });

export const transitionAssignmentInput = z
  .object({
    id: idSchema.describe("The assignment's id."),
    to: assignmentStatusSchema.describe('The status to move to; it must be allowed from the present one.'),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(2_000)
      .optional()
      .meta({
        description: 'Why, up to 2 000 characters; kept in the history and the event.',
        examples: ['Kunden har trukket bestillingen.'],
      }),
    expectedVersion: expectedVersionSchema,
  })
  .meta({
    description:
      'Moves an assignment to another status of its lifecycle; a move that is not allowed from the present status is refused with INVALID_TRANSITION.',
  });

export const assignAssignmentInput = z
  .object({
    id: idSchema.describe("The assignment's id."),
    appraiserId: idSchema.describe('The appraiser to give it to: active, and certified for the type on the day.'),
    expectedVersion: expectedVersionSchema,
  })
  .meta({ description: 'Gives an assignment to an appraiser (or to another one).' });

export type AssignmentDto = z.output<typeof assignmentSchema>;
export type CreateAssignmentInput = z.output<typeof createAssignmentInput>;
export type ListAssignmentsInput = z.output<typeof listAssignmentsInput>;
export type AssignmentPatch = z.output<typeof assignmentPatchSchema>;
