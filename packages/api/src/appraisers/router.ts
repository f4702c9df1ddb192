import { router } from '../trpc';

export const appraisersRouter = router({});
