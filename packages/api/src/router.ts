import { appraisersRouter } from './appraisers/router';
import { assignmentsRouter } from './assignments/router';
import { auditRouter } from './audit/router';
import { apiClientsRouter } from './auth/router';
import { eventsRouter } from './events/router';
import { externalRefsRouter } from './external-refs/router';
import { inspectionsRouter } from './inspections/router';
import { meRouter } from './me/router';
import { notesRouter } from './notes/router';
import { partiesRouter } from './parties/router';
import { propertiesRouter } from './properties/router';
import { reportsRouter } from './reports/router';
import { router, t } from './trpc';
import { usersRouter } from './users/router';
import { webhooksRouter } from './webhooks/router';

export const appRouter = router({
  apiClients: apiClientsRouter,
  appraisers: appraisersRouter,
  assignments: assignmentsRouter,
  audit: auditRouter,
  externalRefs: externalRefsRouter,
  events: eventsRouter,
  inspections: inspectionsRouter,
  me: meRouter,
  notes: notesRouter,
  parties: partiesRouter,
  properties: propertiesRouter,
  reports: reportsRouter,
  users: usersRouter,
  webhooks: webhooksRouter,
});

/** Calls procedures in-process, with the same auth, validation and audit as over HTTP. */
export const createCaller = t.createCallerFactory(appRouter);
