import { isTakstError } from '@takst/sdk';
import { text } from '../text';
import { ErrorMessage } from './feedback';

/**
 * A failed read in words the person can act on (by the platform's error code), with the request
 * id support can look up and, where another try may help, a button for it.
 */
export function Refusal({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const known = isTakstError(error) ? text.list.errors[error.code] : undefined;
  return (
    <div className="list-refusal">
      {known && isTakstError(error) ? (
        <div role="alert" className="alert alert-error">
          <p>{known}</p>
          {error.requestId ? <p className="muted small">{text.common.requestId(error.requestId)}</p> : null}
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
      {onRetry ? (
        <button type="button" className="button-secondary" onClick={onRetry}>
          {text.common.retry}
        </button>
      ) : null}
    </div>
  );
}
