import { z } from 'zod';
import { boundedText, idSchema, pageOf, paginationInput, timestampSchema, withoutNationalId } from './common';

export const addNoteInput = z
  .object({
    assignmentId: idSchema.describe('The assignment the note is on.'),
    author: withoutNationalId(boundedText(200))
      .optional()
      .meta({
        description:
          "Who wrote it: a person's name or a system's, up to 200 characters. A signed-in person (or one an API client acts for) may leave it out: it is then their name. An API client on its own must send it.",
        examples: ['Kari Nordmann'],
      }),
    sourceSystem: boundedText(100)
      .optional()
      .meta({
        description: 'The connected system it came from, up to 100 characters; leave out when written here.',
        examples: ['support'],
      }),
    externalId: boundedText(200)
      .optional()
      .meta({
        description:
          "The note's id in `sourceSystem` (e.g. a ticket comment's id), up to 200 characters; needs `sourceSystem`. A note with the same system and id on the same assignment is answered as it is: nothing is added twice.",
        examples: ['ticket-5512-comment-3'],
      }),
    text: withoutNationalId(boundedText(10_000)).meta({
      description: 'The note, up to 10 000 characters; no national identity numbers.',
      examples: ['Kunden ønsker befaring etter kl. 15.'],
    }),
  })
  .refine((note) => note.externalId === undefined || note.sourceSystem !== undefined, {
    path: ['sourceSystem'],
    message: 'externalId needs the sourceSystem it comes from',
  })
  .meta({
    description: 'A note on an assignment, from a person or a connected system; notes are never changed or removed.',
    examples: [
      {
        assignmentId: '0193a5e4-7c1d-7b3a-9f2e-4d5c6b7a8e91',
        author: 'Kari Nordmann',
        sourceSystem: 'support',
        externalId: 'ticket-5512-comment-3',
        text: 'Kunden ønsker befaring etter kl. 15. Parkering i bakgården.',
      },
    ],
  });

export const noteSchema = z
  .object({
    id: idSchema.describe("The note's id."),
    assignmentId: idSchema.describe('The assignment it is on.'),
    author: z
      .string()
      .meta({ description: "Who wrote it: a person's or a system's name.", examples: ['Kari Nordmann'] }),
    sourceSystem: z
      .string()
      .nullable()
      .meta({ description: 'The connected system it came from; null when written here.', examples: ['support'] }),
    externalId: z
      .string()
      .nullable()
      .meta({ description: 'Its id in `sourceSystem`; null when none.', examples: ['ticket-5512-comment-3'] }),
    text: z.string().describe('The note.'),
    createdAt: timestampSchema.describe('When it was added.'),
  })
  .meta({ id: 'Note', description: 'A note on an assignment.' });

/** An assignment's notes oldest first, keyset-paginated. */
export const listNotesInput = z
  .object({ assignmentId: idSchema.describe('The assignment whose notes to list.'), ...paginationInput })
  .meta({ description: "An assignment's notes, oldest first, a page at a time." });
export const notePageSchema = pageOf(noteSchema).meta({ id: 'NotePage', description: 'One page of notes.' });

export type AddNoteInput = z.output<typeof addNoteInput>;
export type NoteDto = z.output<typeof noteSchema>;
export type ListNotesInput = z.output<typeof listNotesInput>;
