import { addNoteInput, listNotesInput, notePageSchema, noteSchema } from '@takst/contract';
import { EVERYONE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toNoteDto } from './mapper';
import { addNote, listNotes } from './service';

export const notesRouter = router({
  add: procedure
    .meta({
      rest: { method: 'POST', path: '/assignments/{assignmentId}/notes', status: 201 },
      scope: 'assignments:write',
      roles: EVERYONE,
      description: 'Add a note to an assignment, from a person or a connected system',
    })
    .input(addNoteInput)
    .output(noteSchema)
    .mutation(async ({ ctx, input }) => toNoteDto(await addNote(ctx, input))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/assignments/{assignmentId}/notes' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: "An assignment's notes oldest first, keyset-paginated",
    })
    .input(listNotesInput)
    .output(notePageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listNotes(ctx.readEm, input);
      return { items: page.items.map(toNoteDto), nextCursor: page.nextCursor };
    }),
});
