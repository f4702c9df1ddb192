import type { InvitedUser, User } from '@takst/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { trpc } from '../api';
import { text } from '../text';
import { formatDate } from '../ui/format';
import { ConfirmButton } from './admin-feedback';

const words = text.admin.users;

export interface UserRowEvents {
  onEdit: (user: User) => void;
  onLink: (invited: InvitedUser) => void;
  onDone: (message: string) => void;
  onFailed: (error: unknown) => void;
}

function UserStatus({ user }: { user: User }) {
  if (!user.active) return <span className="badge">{words.inactive(formatDate(user.deactivatedAt))}</span>;
  return (
    <>
      <span className="badge badge-ok">{words.active}</span>
      {user.hasPassword ? null : <div className="small muted">{words.noPassword}</div>}
    </>
  );
}

/** What an admin may do to one person: change, a new link, sign them out everywhere, deactivate. */
function UserActions({ user, isMe, events }: { user: User; isMe: boolean; events: UserRowEvents }) {
  const queryClient = useQueryClient();
  const settled = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const sendLink = useMutation(
    trpc.users.sendSetPasswordLink.mutationOptions({ onSuccess: events.onLink, onError: events.onFailed }),
  );
  const endSessions = useMutation(
    trpc.users.endSessions.mutationOptions({
      onSuccess: ({ ended }) => events.onDone(words.sessionsEnded(user.name, ended)),
      onError: events.onFailed,
      onSettled: settled,
    }),
  );
  const deactivate = useMutation(
    trpc.users.deactivate.mutationOptions({
      onSuccess: () => events.onDone(words.deactivated(user.name)),
      onError: events.onFailed,
      onSettled: settled,
    }),
  );
  const busy = sendLink.isPending || endSessions.isPending || deactivate.isPending;
  return (
    <div className="admin-actions-list">
      <button
        type="button"
        className="button-secondary"
        aria-label={words.editOf(user.name)}
        onClick={() => events.onEdit(user)}
      >
        {words.edit}
      </button>
      {user.active ? (
        <button
          type="button"
          className="button-secondary"
          aria-label={words.sendLinkOf(user.name)}
          disabled={busy}
          onClick={() => sendLink.mutate({ id: user.id })}
        >
          {words.sendLink}
        </button>
      ) : null}
      {user.active && !isMe ? (
        <>
          <ConfirmButton
            label={words.endSessions}
            accessibleLabel={words.endSessionsOf(user.name)}
            question={words.endSessionsConfirm(user.name)}
            disabled={busy}
            onConfirm={() => endSessions.mutate({ id: user.id })}
          />
          <ConfirmButton
            label={words.deactivate}
            accessibleLabel={words.deactivateOf(user.name)}
            question={words.deactivateConfirm(user.name)}
            disabled={busy}
            danger
            onConfirm={() => deactivate.mutate({ id: user.id })}
          />
        </>
      ) : null}
    </div>
  );
}

export function UserRow({
  user,
  appraiserName,
  isMe,
  editing,
  events,
}: {
  user: User;
  appraiserName: string | null;
  isMe: boolean;
  editing: boolean;
  events: UserRowEvents;
}) {
  return (
    <tr aria-current={editing ? 'true' : undefined}>
      <th scope="row">
        {user.name}
        {isMe ? <span className="muted small"> ({words.you})</span> : null}
      </th>
      <td className="admin-url">{user.email}</td>
      <td>{user.roles.map((role) => text.roles[role]).join(', ')}</td>
      <td>{appraiserName ?? text.common.none}</td>
      <td>
        <UserStatus user={user} />
      </td>
      <td className="admin-actions">
        <UserActions user={user} isMe={isMe} events={events} />
      </td>
    </tr>
  );
}
