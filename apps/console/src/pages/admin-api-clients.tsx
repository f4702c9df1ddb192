import { type ApiClient, SCOPES, type Scope } from '@takst/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { AdminRefusal, Announcement, ConfirmButton } from './admin-feedback';
import { OneTimeSecret } from './admin-once';
import { AdminPage } from './admin-page';

const words = text.admin.apiClients;

interface ShownKey {
  name: string;
  apiKey: string;
}

function ScopeChoices({ chosen, onChange }: { chosen: readonly Scope[]; onChange: (scopes: Scope[]) => void }) {
  return (
    <fieldset>
      <legend>{words.form.scopes}</legend>
      <div className="admin-checks">
        {SCOPES.map((scope) => (
          <label key={scope}>
            <input
              type="checkbox"
              name="scopes"
              value={scope}
              checked={chosen.includes(scope)}
              onChange={(event) =>
                onChange(event.target.checked ? [...chosen, scope] : chosen.filter((other) => other !== scope))
              }
            />
            <span>
              {words.scopes[scope] ?? scope} <code>{scope}</code>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function NewClientForm({ onCreated, onCancel }: { onCreated: (key: ShownKey) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [tried, setTried] = useState(false);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const create = useMutation(
    trpc.apiClients.create.mutationOptions({
      onSuccess: async ({ client, apiKey }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.apiClients.pathKey() });
        onCreated({ name: client.name, apiKey });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (scopes.length === 0) return;
    create.mutate({ name: name.trim(), scopes: SCOPES.filter((scope) => scopes.includes(scope)) });
  };
  return (
    <form className="card admin-form" aria-labelledby={titleId} onSubmit={submit}>
      <h2 id={titleId} ref={headingRef} tabIndex={-1}>
        {words.form.title}
      </h2>
      <label>
        {words.form.name}
        <span id={hintId} className="hint">
          {words.form.nameHint}
        </span>
        <input
          name="name"
          required
          maxLength={200}
          autoComplete="off"
          aria-describedby={hintId}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <ScopeChoices chosen={scopes} onChange={setScopes} />
      {tried && scopes.length === 0 ? (
        <p role="alert" className="alert alert-error small">
          {words.form.scopesRequired}
        </p>
      ) : null}
      <AdminRefusal error={create.error} fields={{ name: words.form.name, scopes: words.form.scopes }} />
      <div className="admin-form-actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? text.admin.actions.working : words.form.create}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {text.admin.actions.cancel}
        </button>
      </div>
    </form>
  );
}

function ClientActions({
  client,
  onKey,
  onDone,
  onFailed,
}: {
  client: ApiClient;
  onKey: (key: ShownKey) => void;
  onDone: (message: string) => void;
  onFailed: (error: unknown) => void;
}) {
  const queryClient = useQueryClient();
  const settled = () => queryClient.invalidateQueries({ queryKey: trpc.apiClients.pathKey() });
  const rotate = useMutation(
    trpc.apiClients.rotate.mutationOptions({
      onSuccess: ({ client: rotated, apiKey }) => onKey({ name: rotated.name, apiKey }),
      onError: onFailed,
      onSettled: settled,
    }),
  );
  const revoke = useMutation(
    trpc.apiClients.revoke.mutationOptions({
      onSuccess: () => onDone(words.revokedDone(client.name)),
      onError: onFailed,
      onSettled: settled,
    }),
  );
  if (client.revokedAt) return null;
  const busy = rotate.isPending || revoke.isPending;
  return (
    <div className="admin-actions-list">
      <ConfirmButton
        label={words.rotate}
        accessibleLabel={words.rotateOf(client.name)}
        question={words.rotateConfirm(client.name)}
        disabled={busy}
        onConfirm={() => rotate.mutate({ id: client.id })}
      />
      <ConfirmButton
        label={words.revoke}
        accessibleLabel={words.revokeOf(client.name)}
        question={words.revokeConfirm(client.name)}
        disabled={busy}
        danger
        onConfirm={() => revoke.mutate({ id: client.id })}
      />
    </div>
  );
}

type Panel = { kind: 'none' } | { kind: 'create' } | { kind: 'key'; key: ShownKey };

function ApiClientsAdmin() {
  const clients = useQuery(trpc.apiClients.list.queryOptions());
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const show = (next: Panel) => {
    setMessage(null);
    setFailure(null);
    setPanel(next);
  };
  // Working clients first, the newest of them on top; revoked ones after, for the record.
  const items = [...(clients.data?.items ?? [])].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );
  return (
    <>
      <div className="admin-toolbar">
        <button type="button" className="admin-push" onClick={() => show({ kind: 'create' })}>
          {words.newClient}
        </button>
      </div>
      <Announcement message={message} />
      <AdminRefusal error={failure} />
      {panel.kind === 'key' ? (
        <OneTimeSecret
          title={words.key.title(panel.key.name)}
          label={words.key.label}
          value={panel.key.apiKey}
          explain={words.key.explain}
          onDone={() => show({ kind: 'none' })}
        />
      ) : null}
      {panel.kind === 'create' ? (
        <NewClientForm onCreated={(key) => show({ kind: 'key', key })} onCancel={() => show({ kind: 'none' })} />
      ) : null}
      {clients.isPending ? <Loading /> : null}
      <AdminRefusal error={clients.error} />
      {clients.isSuccess ? (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{words.listCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{words.columns.name}</th>
                <th scope="col">{words.columns.key}</th>
                <th scope="col">{words.columns.scopes}</th>
                <th scope="col">{words.columns.created}</th>
                <th scope="col">{words.columns.lastUsed}</th>
                <th scope="col">{words.columns.status}</th>
                <th scope="col">{words.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((client) => (
                <tr key={client.id}>
                  <th scope="row">{client.name}</th>
                  <td>
                    <code>{client.keyPrefix}…</code>
                  </td>
                  <td>
                    <ul className="admin-scope-list">
                      {client.scopes.map((scope) => (
                        <li key={scope}>
                          <code>{scope}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{formatDateTime(client.createdAt)}</td>
                  <td>{client.lastUsedAt ? formatDateTime(client.lastUsedAt) : words.neverUsed}</td>
                  <td>
                    {client.revokedAt ? (
                      <span className="badge">{words.revoked(formatDateTime(client.revokedAt))}</span>
                    ) : (
                      <span className="badge badge-ok">{words.active}</span>
                    )}
                  </td>
                  <td className="admin-actions">
                    <ClientActions
                      client={client}
                      onKey={(key) => show({ kind: 'key', key })}
                      onDone={(done) => {
                        setFailure(null);
                        setMessage(done);
                      }}
                      onFailed={(error) => {
                        setMessage(null);
                        setFailure(error);
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 ? <p className="muted">{words.empty}</p> : null}
        </div>
      ) : null}
    </>
  );
}

export function AdminApiClientsPage() {
  return (
    <AdminPage title={words.title} intro={words.intro}>
      <ApiClientsAdmin />
    </AdminPage>
  );
}
