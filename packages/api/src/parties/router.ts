import { router } from '../trpc';

export const partiesRouter = router({});
