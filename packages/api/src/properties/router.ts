import { router } from '../trpc';

export const propertiesRouter = router({});
