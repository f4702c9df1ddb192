import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isSignedOut, queryClient, TRPCProvider, takst } from './api';
import { router } from './router';
import './styles.css';

// A session that ends while the console is open (signed out elsewhere, deactivated, expired):
// the next refused call takes the person to the sign-in page, and back here afterwards.
const toSignIn = (error: unknown) => {
  if (!isSignedOut(error) || router.state.location.pathname === '/logg-inn') return;
  queryClient.clear();
  void router.navigate({ to: '/logg-inn', search: { returnTo: router.state.location.href } });
};
queryClient.getQueryCache().subscribe((event) => {
  if (event.type === 'updated' && event.action.type === 'error') toSignIn(event.action.error);
});
queryClient.getMutationCache().subscribe((event) => {
  if (event.type === 'updated' && event.action.type === 'error') toSignIn(event.action.error);
});

const app = document.getElementById('app');
if (!app) throw new Error('index.html has no #app');

createRoot(app).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={takst} queryClient={queryClient}>
        <RouterProvider router={router} />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
