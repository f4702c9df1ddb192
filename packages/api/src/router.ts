import { assignmentsRouter } from './assignments/router';
import { apiClientsRouter } from './auth/router';
import { router } from './trpc';

export const appRouter = router({
  apiClients: apiClientsRouter,
  assignments: assignmentsRouter,
});
