// #region readme
import { isTakstError, TakstError } from '@takst/sdk';

try {
  await takst.assignments.update.mutate({ id, expectedVersion: 3, patch: { notes: 'x' } });
} catch (error) {
  if (isTakstError(error, 'VERSION_CONFLICT')) {
    // someone changed it since version 3: fetch it again and reapply
    console.log('now at version', error.data?.currentVersion);
  } else if (isTakstError(error, 'VALIDATION_FAILED')) {
    for (const issue of error.issues) console.error(issue.path.join('.'), issue.message);
  } else if (error instanceof TakstError) {
    console.error(error.code, error.httpStatus, `quote request id ${error.requestId}`);
    throw error;
  } else throw error;
}
// #endregion
