import { isTakstError } from '@takst/sdk';
import { useEffect, useRef, useState } from 'react';
import { text } from '../text';
import { ErrorMessage } from '../ui/feedback';

/**
 * A refusal in the admin's words when its code is one we know, else the platform's message. For
 * a form, `fields` names its fields in Norwegian, so an invalid one is named (the platform's own
 * issue messages are in English).
 */
export function AdminRefusal({ error, fields = {} }: { error: unknown; fields?: Record<string, string> }) {
  if (!error) return null;
  const known = isTakstError(error) ? text.admin.errors[error.code] : undefined;
  if (!known || !isTakstError(error)) return <ErrorMessage error={error} />;
  const named = [
    ...new Set(
      error.issues
        .flatMap((issue) => issue.path.map(String).filter((part) => fields[part] !== undefined))
        .map((part) => fields[part] ?? part),
    ),
  ];
  return (
    <div role="alert" className="alert alert-error">
      <p>{known}</p>
      {named.length > 0 ? <p>{text.admin.checkFields(named)}</p> : null}
      {error.requestId ? <p className="muted small">{text.common.requestId(error.requestId)}</p> : null}
    </div>
  );
}

/**
 * The outcome of the last action, read out politely by screen readers. The region is always in
 * the page (a live region added together with its text is often not announced).
 */
export function Announcement({ message }: { message: string | null }) {
  return (
    <p className={message ? 'alert alert-ok' : 'visually-hidden'} role="status">
      {message ?? ''}
    </p>
  );
}

/**
 * A button that asks before it acts: the question and a confirm button appear in its place,
 * the confirm button taking focus, so a slip of the finger deactivates or revokes nothing.
 */
export function ConfirmButton({
  label,
  accessibleLabel,
  question,
  onConfirm,
  disabled = false,
  danger = false,
}: {
  label: string;
  accessibleLabel: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) openerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={openerRef}
        type="button"
        className={danger ? 'button-secondary admin-danger-text' : 'button-secondary'}
        aria-label={accessibleLabel}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    // Escape takes the question back, as it closes a dialog.
    <fieldset className="admin-confirm" onKeyDown={(event) => event.key === 'Escape' && setAsking(false)}>
      <legend className="admin-confirm-question">{question}</legend>
      <button
        ref={confirmRef}
        type="button"
        className={danger ? 'button-danger' : undefined}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {text.admin.actions.confirm}
      </button>
      <button type="button" className="button-quiet" onClick={() => setAsking(false)}>
        {text.admin.actions.cancel}
      </button>
    </fieldset>
  );
}
