// The SDK imports only this file's type; keep it free of anything but the router.
import type { appRouter } from './router';

export type AppRouter = typeof appRouter;
