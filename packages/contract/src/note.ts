import { z } from 'zod';
import { boundedText, idSchema, pageOf, paginationInput, timestampSchema, withoutNationalId } from './common';

export const addNoteInput = z
  .object({
    assignmentId: idSchema,
    /**
     * Who wrote it: a person's name, or the system's. A signed-in person (or one an API client acts
     * for) may leave it out: it is then their name. An API client on its own must send it.
     */
    author: withoutNationalId(boundedText(200)).optional(),
    /** The connected system it came from, e.g. `support`; absent when written here. */
    sourceSystem: boundedText(100).optional(),
    /**
     * The note's id in `sourceSystem` (a ticket comment's id): a note with the same system and id
     * on the same assignment is answered as it is, nothing is added twice. Needs `sourceSystem`.
     */
    externalId: boundedText(200).optional(),
    text: withoutNationalId(boundedText(10_000)),
  })
  .refine((note) => note.externalId === undefined || note.sourceSystem !== undefined, {
    path: ['sourceSystem'],
    message: 'externalId needs the sourceSystem it comes from',
  });

export const noteSchema = z.object({
  id: idSchema,
  assignmentId: idSchema,
  author: z.string(),
  sourceSystem: z.string().nullable(),
  externalId: z.string().nullable(),
  text: z.string(),
  createdAt: timestampSchema,
});

/** An assignment's notes oldest first, keyset-paginated. */
export const listNotesInput = z.object({ assignmentId: idSchema, ...paginationInput });
export const notePageSchema = pageOf(noteSchema);

export type AddNoteInput = z.output<typeof addNoteInput>;
export type NoteDto = z.output<typeof noteSchema>;
export type ListNotesInput = z.output<typeof listNotesInput>;
