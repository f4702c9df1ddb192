import { isTakstError } from '@takst/sdk';
import { text } from '../text';
import { reportText } from '../text/report';
import { ErrorMessage } from '../ui/feedback';

/** A refusal in the report's words, with the request id support can look up; anything unknown as the server said it. */
export function ReportRefusal({ error }: { error: unknown }) {
  if (!error) return null;
  const sentence = isTakstError(error) ? reportText.errors[error.code] : undefined;
  if (!isTakstError(error) || !sentence) return <ErrorMessage error={error} />;
  return (
    <div role="alert" className="alert alert-error">
      <p>{sentence}</p>
      {error.requestId ? <p className="small">{text.common.requestId(error.requestId)}</p> : null}
    </div>
  );
}
