import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
import { isSignedOut, queryClient, trpc } from './api';
import { Layout } from './layout';
import { AdminApiClientsPage } from './pages/admin-api-clients';
import { AdminEventsPage } from './pages/admin-events';
import { AdminUsersPage } from './pages/admin-users';
import { AdminWebhooksPage } from './pages/admin-webhooks';
import { AssignmentListPage, validateAssignmentListSearch } from './pages/assignment-list';
import { CalendarPage, validateCalendarSearch } from './pages/calendar';
import { NotFoundPage } from './pages/not-found';
import { AssignmentPage } from './pages/oppdrag-detail';
import { ReportEditorPage } from './pages/report-editor';
import { SetPasswordPage, validateSetPasswordSearch } from './pages/set-password';
import { SignInPage, validateSignInSearch } from './pages/sign-in';
import { WorkQueuePage } from './pages/work-queue';

const rootRoute = createRootRouteWithContext<{ queryClient: typeof queryClient }>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/logg-inn',
  validateSearch: validateSignInSearch,
  component: SignInPage,
});

const setPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/set-password',
  validateSearch: validateSetPasswordSearch,
  component: SetPasswordPage,
});

/** Every page behind it needs a signed-in person; without one, the sign-in page, coming back after. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    try {
      return { me: await context.queryClient.ensureQueryData(trpc.me.get.queryOptions()) };
    } catch (error) {
      if (isSignedOut(error)) throw redirect({ to: '/logg-inn', search: { returnTo: location.href } });
      throw error;
    }
  },
  component: Layout,
});

const page = <Path extends string>(path: Path) => ({ getParentRoute: () => signedInRoute, path });

const workQueueRoute = createRoute({ ...page('/'), component: WorkQueuePage });
const assignmentListRoute = createRoute({
  ...page('/oppdrag'),
  validateSearch: validateAssignmentListSearch,
  component: AssignmentListPage,
});
const assignmentDetailRoute = createRoute({ ...page('/oppdrag/$id'), component: AssignmentPage });
const reportEditorRoute = createRoute({ ...page('/oppdrag/$id/rapport'), component: ReportEditorPage });
const calendarRoute = createRoute({
  ...page('/kalender'),
  validateSearch: validateCalendarSearch,
  component: CalendarPage,
});
const adminUsersRoute = createRoute({ ...page('/admin'), component: AdminUsersPage });
const adminApiClientsRoute = createRoute({ ...page('/admin/api-klienter'), component: AdminApiClientsPage });
const adminWebhooksRoute = createRoute({ ...page('/admin/webhooks'), component: AdminWebhooksPage });
const adminEventsRoute = createRoute({ ...page('/admin/hendelser'), component: AdminEventsPage });

const routeTree = rootRoute.addChildren([
  signInRoute,
  setPasswordRoute,
  signedInRoute.addChildren([
    workQueueRoute,
    assignmentListRoute,
    assignmentDetailRoute,
    reportEditorRoute,
    calendarRoute,
    adminUsersRoute,
    adminApiClientsRoute,
    adminWebhooksRoute,
    adminEventsRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
