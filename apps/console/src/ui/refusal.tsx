import { isTakstError } from '@takst/sdk';
import { text } from '../text';
import { ErrorMessage } from './feedback';

/**
 * A refusal in words: the Norwegian sentence for its errorCode, the fields a validation names,
 * and `detail` (e.g. why a guard refused) when the caller knows more. Anything unknown falls back
 * to the message and request id.
 */
export function Refusal({ error, detail }: { error: unknown; detail?: string | undefined }) {
  if (!error) return null;
  if (!isTakstError(error)) return <ErrorMessage error={error} />;
  const sentence = text.assignment.errors[error.code];
  if (!sentence) return <ErrorMessage error={error} />;
  const fields = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return (
    <div role="alert" className="alert alert-error">
      <p>
        {sentence} {detail ?? ''}
      </p>
      {fields.length > 0 ? (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
