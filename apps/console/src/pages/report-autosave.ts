import { isTakstError, type Report, type ValidationIssue } from '@takst/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { trpc } from '../api';
import { type ContentChange, describeChanges } from './report-changes';
import { mergeContents } from './report-merge';
import { type Content, editable, missingRequired, sameContent, toWire } from './report-model';

/** A second after the last keystroke: long enough not to save every letter, short enough that little is ever unsaved. */
export const AUTOSAVE_AFTER_MS = 1_000;

export type SaveState =
  /** The server holds what is on screen. */
  | 'saved'
  /** Typed, waiting for the pause before saving. */
  | 'pending'
  | 'saving'
  /** A required field is empty; the server would refuse it, so nothing is sent. */
  | 'incomplete'
  /** The server refused the content (VALIDATION_FAILED); the fields it named say why. */
  | 'invalid'
  /** Someone else changed the version since it was read; nothing is sent until the person chooses. */
  | 'conflict'
  /** The save failed for another reason (network, refusal); it can be tried again. */
  | 'failed';

/**
 * The draft as typed, saved with `reports.updateDraft` a second after the last change (or at once
 * on `flush`, e.g. when a field is left), always at the version it was read at. Saves run one
 * after the other; what is typed while one runs goes in the next.
 */
export function useAutosave(report: Report, onLeftUnsaved: (changes: ContentChange[]) => void) {
  const queryClient = useQueryClient();
  const update = useMutation(trpc.reports.updateDraft.mutationOptions());
  const [content, setContent] = useState<Content>(() => editable(report.content));
  /** What the server holds at `version`: what the person's changes are changes to. */
  const [base, setBase] = useState<Content>(content);
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<unknown>(null);
  const [issues, setIssues] = useState<readonly ValidationIssue[]>([]);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  /** Bumped when the content is replaced from the server, so every field starts again from it. */
  const [generation, setGeneration] = useState(0);

  const typed = useRef(content);
  const saved = useRef(content);
  const version = useRef(report.version);
  const paused = useRef(false);
  const sending = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const queue = useRef<Promise<boolean>>(Promise.resolve(true));

  const saveOnce = async (): Promise<boolean> => {
    const sent = typed.current;
    if (sameContent(sent, saved.current)) {
      // Typed back to what the server holds: whatever it refused before is gone.
      setError(null);
      setIssues([]);
      setState('saved');
      return true;
    }
    if (missingRequired(sent).length > 0) {
      setState('incomplete');
      return false;
    }
    setState('saving');
    sending.current = true;
    try {
      const answer = await update.mutateAsync({
        id: report.id,
        expectedVersion: version.current,
        content: toWire(sent),
      });
      version.current = answer.version;
      saved.current = sent;
      setBase(sent);
      setError(null);
      setIssues([]);
      setSavedAt(answer.updatedAt);
      setState(sameContent(typed.current, sent) ? 'saved' : 'pending');
      void queryClient.invalidateQueries({
        queryKey: trpc.reports.list.queryKey({ assignmentId: report.assignmentId }),
      });
      return true;
    } catch (caught) {
      setError(caught);
      if (isTakstError(caught, 'VERSION_CONFLICT')) {
        paused.current = true;
        setState('conflict');
      } else if (isTakstError(caught, 'VALIDATION_FAILED')) {
        setIssues(caught.issues);
        setState('invalid');
      } else setState('failed');
      return false;
    } finally {
      sending.current = false;
    }
  };

  /** Saves now (after any save already running); true when the server then holds what was typed. */
  const flush = (): Promise<boolean> => {
    clearTimeout(timer.current);
    const next = queue.current.then(() => (paused.current ? false : saveOnce()));
    queue.current = next;
    return next;
  };

  const change = (next: Content) => {
    typed.current = next;
    setContent(next);
    if (paused.current) return;
    setState('pending');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_AFTER_MS);
  };

  /** Starts again from the server's version, dropping what was typed (the caller keeps it to show). */
  const reset = (fresh: Report) => {
    clearTimeout(timer.current);
    const loaded = editable(fresh.content);
    version.current = fresh.version;
    typed.current = loaded;
    saved.current = loaded;
    paused.current = false;
    setContent(loaded);
    setBase(loaded);
    setState('saved');
    setError(null);
    setIssues([]);
    setGeneration((count) => count + 1);
  };

  /**
   * After a conflict, on the person's say-so: the newer version with their own changes put in
   * (where both changed a field, the text typed here), saved at once.
   */
  const keepMine = (fresh: Report): Promise<boolean> => {
    const theirs = editable(fresh.content);
    const merged = mergeContents(saved.current, typed.current, theirs);
    version.current = fresh.version;
    saved.current = theirs;
    typed.current = merged;
    paused.current = false;
    setBase(theirs);
    setContent(merged);
    setGeneration((count) => count + 1);
    return flush();
  };

  /** A newer version arrived (live update, refetch) while nothing was typed: show it instead of conflicting later. */
  const adopt = (fresh: Report) => {
    const untouched = sameContent(typed.current, saved.current) && !sending.current && !paused.current;
    if (fresh.version > version.current && untouched) reset(fresh);
  };

  // When the editor goes (the page is left, or the version was submitted elsewhere meanwhile), what
  // waits is saved; what cannot be is handed up, so it is shown rather than lost.
  const leaving = useRef({ flush, onLeftUnsaved });
  leaving.current = { flush, onLeftUnsaved };
  useEffect(
    () => () => {
      if (sameContent(typed.current, saved.current)) return;
      const unsaved = () => leaving.current.onLeftUnsaved(describeChanges(saved.current, typed.current));
      if (paused.current) unsaved();
      else
        void leaving.current.flush().then((ok) => {
          if (!ok) unsaved();
        });
    },
    [],
  );

  return {
    content,
    base,
    state,
    error,
    issues,
    savedAt,
    generation,
    change,
    flush,
    reset,
    keepMine,
    adopt,
    version: () => version.current,
  };
}

export type Autosave = ReturnType<typeof useAutosave>;
