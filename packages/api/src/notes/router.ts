import { router } from '../trpc';

export const notesRouter = router({});
