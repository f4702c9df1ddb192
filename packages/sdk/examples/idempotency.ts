// #region readme
import { withIdempotencyKey } from '@takst/sdk';

const key = `import-2026-11-27-row-${row.number}`; // or crypto.randomUUID(), stored beside the row
const created = await takst.assignments.create.mutate(input, withIdempotencyKey(key));
// the same as: takst.assignments.create.mutate(input, { context: { idempotencyKey: key } })
console.log(`row ${row.number} is ${created.reference}`);
// #endregion
