import { type InvitedUser, ROLES, type Role, type User } from '@takst/sdk';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../api';
import { useMe } from '../me';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { AdminRefusal, Announcement } from './admin-feedback';
import { OneTimeSecret } from './admin-once';
import { AdminPage } from './admin-page';
import { UserForm } from './admin-user-form';
import { UserRow, type UserRowEvents } from './admin-user-row';

const words = text.admin.users;

type ActiveFilter = 'all' | 'active' | 'inactive';

interface Filters {
  active: ActiveFilter;
  role: Role | '';
}

/** The link the person opens: the console's own set-password page, on this server. */
const setPasswordUrl = (token: string) => `${location.origin}/set-password?token=${encodeURIComponent(token)}`;

function UserFilters({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
  return (
    <fieldset className="admin-filters">
      <legend className="visually-hidden">{words.filters}</legend>
      <label>
        {words.status}
        <select
          value={filters.active}
          onChange={(event) => onChange({ ...filters, active: event.target.value as ActiveFilter })}
        >
          <option value="all">{words.statusAll}</option>
          <option value="active">{words.statusActive}</option>
          <option value="inactive">{words.statusInactive}</option>
        </select>
      </label>
      <label>
        {words.role}
        <select value={filters.role} onChange={(event) => onChange({ ...filters, role: event.target.value as Role })}>
          <option value="">{words.roleAll}</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {text.roles[role]}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

function useUserPages(filters: Filters) {
  const input = {
    limit: 50,
    ...(filters.active === 'all' ? {} : { active: filters.active === 'active' }),
    ...(filters.role ? { role: filters.role } : {}),
  };
  return useInfiniteQuery(trpc.users.list.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor }));
}

/** Which appraiser records are linked to whom, active or not (a link stays after deactivation). */
function useAppraiserLinks(): ReadonlyMap<string, string> {
  const everyone = useQuery(trpc.users.list.queryOptions({ limit: 200 }));
  return new Map(
    (everyone.data?.items ?? []).flatMap((user) => (user.appraiserId ? [[user.appraiserId, user.name] as const] : [])),
  );
}

/** Appraiser records to link people to; the register is small (a firm's appraisers). */
function useAppraisers() {
  const query = useQuery(trpc.appraisers.list.queryOptions({ limit: 200 }));
  return query.data?.items ?? [];
}

type Panel =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'link'; invited: InvitedUser };

function UsersAdmin() {
  const { user: me } = useMe();
  const [filters, setFilters] = useState<Filters>({ active: 'active', role: '' });
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const pages = useUserPages(filters);
  const appraisers = useAppraisers();
  const linkedTo = useAppraiserLinks();
  const appraiserNames = new Map(appraisers.map((appraiser) => [appraiser.id, appraiser.name]));
  const users = pages.data?.pages.flatMap((page) => page.items) ?? [];

  const show = (next: Panel) => {
    setMessage(null);
    setFailure(null);
    setPanel(next);
  };
  const rowEvents: UserRowEvents = {
    onEdit: (user) => show({ kind: 'edit', user }),
    onLink: (invited) => show({ kind: 'link', invited }),
    onDone: (done) => {
      setFailure(null);
      setMessage(done);
    },
    onFailed: (error) => {
      setMessage(null);
      setFailure(error);
    },
  };

  return (
    <>
      <div className="admin-toolbar">
        <UserFilters filters={filters} onChange={setFilters} />
        <button type="button" className="admin-push" onClick={() => show({ kind: 'create' })}>
          {words.newUser}
        </button>
      </div>
      <Announcement message={message} />
      <AdminRefusal error={failure} />
      {panel.kind === 'link' ? (
        <OneTimeSecret
          title={words.link.title(panel.invited.user.name)}
          label={words.link.label}
          value={setPasswordUrl(panel.invited.setPasswordToken)}
          explain={words.link.explain(formatDateTime(panel.invited.setPasswordExpiresAt))}
          onDone={() => show({ kind: 'none' })}
        />
      ) : null}
      {panel.kind === 'create' || panel.kind === 'edit' ? (
        <UserForm
          key={panel.kind === 'edit' ? `edit:${panel.user.id}` : 'new'}
          {...(panel.kind === 'edit' ? { user: panel.user } : {})}
          appraisers={appraisers}
          linkedTo={linkedTo}
          onCreated={(invited) => show({ kind: 'link', invited })}
          onUpdated={(user) => {
            show({ kind: 'none' });
            setMessage(words.updated(user.name));
          }}
          onCancel={() => show({ kind: 'none' })}
        />
      ) : null}
      {pages.isPending ? <Loading /> : null}
      <AdminRefusal error={pages.error} />
      {pages.isSuccess ? (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{words.listCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{words.columns.name}</th>
                <th scope="col">{words.columns.email}</th>
                <th scope="col">{words.columns.roles}</th>
                <th scope="col">{words.columns.appraiser}</th>
                <th scope="col">{words.columns.status}</th>
                <th scope="col">{words.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  appraiserName={user.appraiserId ? (appraiserNames.get(user.appraiserId) ?? null) : null}
                  isMe={user.id === me?.id}
                  editing={panel.kind === 'edit' && panel.user.id === user.id}
                  events={rowEvents}
                />
              ))}
            </tbody>
          </table>
          {users.length === 0 ? <p className="muted">{words.empty}</p> : null}
        </div>
      ) : null}
      {pages.hasNextPage ? (
        <button
          type="button"
          className="button-secondary"
          disabled={pages.isFetchingNextPage}
          onClick={() => pages.fetchNextPage()}
        >
          {pages.isFetchingNextPage ? text.common.loading : text.admin.actions.more}
        </button>
      ) : null}
    </>
  );
}

export function AdminUsersPage() {
  return (
    <AdminPage title={words.title} intro={words.intro}>
      <UsersAdmin />
    </AdminPage>
  );
}
