import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { formatDateTime } from '../ui/format';
import { Refusal } from '../ui/refusal';

const words = text.assignment.notes;

/** The assignment's notes, oldest first, and a new one (a person's note carries their name). */
export function NotesSection({ assignmentId }: { assignmentId: string }) {
  const queryClient = useQueryClient();
  const fieldId = useId();
  const [draft, setDraft] = useState('');
  const input = { assignmentId, limit: 100 };
  const notes = useQuery(trpc.notes.list.queryOptions(input));
  const add = useMutation(
    trpc.notes.add.mutationOptions({
      onSuccess: async () => {
        setDraft('');
        await queryClient.invalidateQueries({ queryKey: trpc.notes.list.queryKey(input) });
        await queryClient.invalidateQueries({ queryKey: trpc.assignments.timeline.queryKey({ id: assignmentId }) });
      },
    }),
  );
  const items = notes.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="notes-title">
      <h2 id="notes-title">{words.title}</h2>
      {items.length === 0 ? <p className="muted">{words.none}</p> : null}
      <ul className="plain-list">
        {items.map((note) => (
          <li key={note.id}>
            <p className="small muted">
              {note.author} · {formatDateTime(note.createdAt)}
              {note.sourceSystem ? ` · ${words.from(note.sourceSystem)}` : ''}
            </p>
            <p className="note-text">{note.text}</p>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.trim()) add.mutate({ assignmentId, text: draft.trim() });
        }}
      >
        <label htmlFor={fieldId}>{words.add}</label>
        <textarea
          id={fieldId}
          rows={3}
          value={draft}
          maxLength={10_000}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" disabled={add.isPending || !draft.trim()}>
          {words.save}
        </button>
      </form>
      <Refusal error={add.error} />
    </section>
  );
}
