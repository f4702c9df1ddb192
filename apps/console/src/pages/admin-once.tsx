import { useEffect, useId, useRef, useState } from 'react';
import { text } from '../text';

/**
 * A secret the platform shows in one answer only (a set-password link, an API key, a webhook
 * secret): in a read-only field with a copy button, and a plain note that it is shown only now.
 * It takes focus when it appears, so the person sees it (and a screen reader reads it) at once.
 */
export function OneTimeSecret({
  title,
  label,
  value,
  explain,
  onDone,
}: {
  title: string;
  label: string;
  value: string;
  explain: string;
  onDone: () => void;
}) {
  const fieldId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [copyResult, setCopyResult] = useState<string | null>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopyResult(text.admin.actions.copied);
    } catch {
      setCopyResult(text.admin.actions.copyFailed);
    }
  };
  return (
    <section className="card admin-secret" aria-labelledby={`${fieldId}-title`}>
      <h2 id={`${fieldId}-title`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p className="alert alert-warn">
        <strong>{text.admin.once.note}</strong>
      </p>
      <label htmlFor={fieldId}>{label}</label>
      <div className="admin-secret-value">
        <input id={fieldId} readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" onClick={copy}>
          {text.admin.actions.copy}
        </button>
      </div>
      <p className="small muted" role="status">
        {copyResult ?? ''}
      </p>
      <p>{explain}</p>
      <button type="button" className="button-secondary" onClick={onDone}>
        {text.admin.actions.done}
      </button>
    </section>
  );
}
