import { router } from '../trpc';

export const inspectionsRouter = router({});
