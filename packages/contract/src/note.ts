import { z } from 'zod';
import { boundedText, idSchema, pageOf, paginationInput, timestampSchema, withoutNationalId } from './common';

export const addNoteInput = z.object({
  assignmentId: idSchema,
  /**
   * Who wrote it: a person's name, or the system's. A signed-in person (or one an API client acts
   * for) may leave it out: it is then their name. An API client on its own must send it.
   */
  author: withoutNationalId(boundedText(200)).optional(),
  /** The connected system it came from, e.g. `support`; absent when written here. */
  sourceSystem: boundedText(100).optional(),
  text: withoutNationalId(boundedText(10_000)),
});

export const noteSchema = z.object({
  id: idSchema,
  assignmentId: idSchema,
  author: z.string(),
  sourceSystem: z.string().nullable(),
  text: z.string(),
  createdAt: timestampSchema,
});

/** An assignment's notes oldest first, keyset-paginated. */
export const listNotesInput = z.object({ assignmentId: idSchema, ...paginationInput });
export const notePageSchema = pageOf(noteSchema);

export type AddNoteInput = z.output<typeof addNoteInput>;
export type NoteDto = z.output<typeof noteSchema>;
export type ListNotesInput = z.output<typeof listNotesInput>;
