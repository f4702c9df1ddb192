import { isTakstError } from '@takst/sdk';
import { text } from '../text';

/** A refusal or failure in words, with the request id support can look up. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : text.common.error;
  const requestId = isTakstError(error) ? error.requestId : null;
  return (
    <div role="alert" className="alert alert-error">
      <p>{message}</p>
      {requestId ? <p className="muted small">{text.common.requestId(requestId)}</p> : null}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" aria-live="polite">
      {text.common.loading}
    </p>
  );
}
