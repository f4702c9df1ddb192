import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { signOut } from './auth';
import { LiveUpdates } from './live';
import { useMe } from './me';
import { text } from './text';

export function Layout() {
  const { user, has } = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const leave = async () => {
    await signOut().catch(() => undefined);
    queryClient.clear();
    await navigate({ to: '/logg-inn', search: {} });
  };
  return (
    <>
      <a href="#main" className="skip-link">
        {text.nav.skipToContent}
      </a>
      <header className="topbar">
        <span className="brand">{text.appName}</span>
        <nav aria-label="Hovedmeny">
          <ul>
            <li>
              <Link to="/" activeOptions={{ exact: true }}>
                {text.nav.queue}
              </Link>
            </li>
            <li>
              <Link to="/oppdrag">{text.nav.assignments}</Link>
            </li>
            <li>
              <Link to="/kalender">{text.nav.calendar}</Link>
            </li>
            {has('admin') ? (
              <li>
                <Link to="/admin">{text.nav.admin}</Link>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          <LiveUpdates />
          <span>
            {user?.name}
            <span className="muted small"> · {user?.roles.map((role) => text.roles[role]).join(', ')}</span>
          </span>
          <button type="button" className="button-quiet" onClick={leave}>
            {text.nav.signOut}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
