import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useMe } from '../me';
import { text } from '../text';
import './admin.css';

/** The pages between which an admin moves; the top menu's "Administrasjon" leads to the first. */
function AdminNav() {
  const words = text.admin.nav;
  return (
    <nav aria-label={words.label} className="admin-nav">
      <ul>
        <li>
          <Link to="/admin" activeOptions={{ exact: true }}>
            {words.users}
          </Link>
        </li>
        <li>
          <Link to="/admin/api-klienter">{words.apiClients}</Link>
        </li>
        <li>
          <Link to="/admin/webhooks">{words.webhooks}</Link>
        </li>
        <li>
          <Link to="/admin/hendelser">{words.events}</Link>
        </li>
      </ul>
    </nav>
  );
}

function NoAccess() {
  const words = text.admin.noAccess;
  return (
    <section className="card admin-no-access">
      <h1>{words.title}</h1>
      <p>{words.body}</p>
      <Link to="/">{words.back}</Link>
    </section>
  );
}

/**
 * The frame of every admin page: only for people with the admin role (the API refuses everyone
 * else anyway; this says so politely instead of showing refusals), with the sub-navigation.
 */
export function AdminPage({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  const { has } = useMe();
  if (!has('admin')) return <NoAccess />;
  return (
    <div className="admin-page">
      <AdminNav />
      <h1>{title}</h1>
      <p className="muted">{intro}</p>
      {children}
    </div>
  );
}
