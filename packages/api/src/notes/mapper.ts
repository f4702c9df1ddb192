import type { NoteDto } from '@takst/contract';
import type { Note } from '@takst/db';

/** A note entity, or a read-model row of one (timestamp as an ISO string). */
export type NoteRecord = Omit<Note, 'createdAt'> & { createdAt: Date | string };

export function toNoteDto(n: NoteRecord): NoteDto {
  return {
    id: n.id,
    assignmentId: n.assignmentId,
    author: n.author,
    sourceSystem: n.sourceSystem ?? null,
    externalId: n.externalId ?? null,
    text: n.text,
    createdAt: typeof n.createdAt === 'string' ? n.createdAt : n.createdAt.toISOString(),
  };
}
