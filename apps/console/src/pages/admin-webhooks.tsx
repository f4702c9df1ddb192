import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { eventLabel } from './admin-event-types';
import { AdminRefusal, Announcement, ConfirmButton } from './admin-feedback';
import { OneTimeSecret } from './admin-once';
import { AdminPage } from './admin-page';
import { WebhookDeliveries } from './admin-webhook-deliveries';
import { type WebhookEndpoint, WebhookForm, type WebhookWithSecret } from './admin-webhook-form';

const words = text.admin.webhooks;

function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled) {
    const reason = endpoint.disabledReason ? words.disabledReasons[endpoint.disabledReason] : null;
    return (
      <>
        <span className="badge badge-error">{words.disabled}</span>
        {reason ? <div className="small">{reason}</div> : null}
        {endpoint.disabledAt ? <div className="small muted">{formatDateTime(endpoint.disabledAt)}</div> : null}
      </>
    );
  }
  return (
    <>
      <span className="badge badge-ok">{words.enabled}</span>
      {endpoint.failingSince ? (
        <div className="small admin-warn-text">{words.failingSince(formatDateTime(endpoint.failingSince))}</div>
      ) : null}
      {endpoint.previousSecretExpiresAt ? (
        <div className="small muted">{words.previousSecret(formatDateTime(endpoint.previousSecretExpiresAt))}</div>
      ) : null}
    </>
  );
}

interface EndpointEvents {
  onEdit: (endpoint: WebhookEndpoint) => void;
  onDeliveries: (endpoint: WebhookEndpoint) => void;
  onSecret: (created: WebhookWithSecret) => void;
  onRemoved: (endpoint: WebhookEndpoint) => void;
  onFailed: (error: unknown) => void;
}

function EndpointActions({ endpoint, events }: { endpoint: WebhookEndpoint; events: EndpointEvents }) {
  const queryClient = useQueryClient();
  const settled = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: events.onSecret,
      onError: events.onFailed,
      onSettled: settled,
    }),
  );
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => events.onRemoved(endpoint),
      onError: events.onFailed,
      onSettled: settled,
    }),
  );
  const busy = rotate.isPending || remove.isPending;
  return (
    <div className="admin-actions-list">
      <button
        type="button"
        className="button-secondary"
        aria-label={words.editOf(endpoint.url)}
        onClick={() => events.onEdit(endpoint)}
      >
        {words.edit}
      </button>
      <button
        type="button"
        className="button-secondary"
        aria-label={words.deliveriesOf(endpoint.url)}
        onClick={() => events.onDeliveries(endpoint)}
      >
        {words.deliveries}
      </button>
      <ConfirmButton
        label={words.rotate}
        accessibleLabel={words.rotateOf(endpoint.url)}
        question={words.rotateConfirm}
        disabled={busy}
        onConfirm={() => rotate.mutate({ id: endpoint.id })}
      />
      <ConfirmButton
        label={words.remove}
        accessibleLabel={words.removeOf(endpoint.url)}
        question={words.removeConfirm(endpoint.url)}
        disabled={busy}
        danger
        onConfirm={() => remove.mutate({ id: endpoint.id })}
      />
    </div>
  );
}

function EndpointTable({
  endpoints,
  selectedId,
  events,
}: {
  endpoints: readonly WebhookEndpoint[];
  selectedId: string | null;
  events: EndpointEvents;
}) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table">
        <caption>{words.listCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{words.columns.url}</th>
            <th scope="col">{words.columns.eventTypes}</th>
            <th scope="col">{words.columns.status}</th>
            <th scope="col">{words.columns.created}</th>
            <th scope="col">{words.columns.actions}</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} aria-current={endpoint.id === selectedId ? 'true' : undefined}>
              <th scope="row" className="admin-url">
                {endpoint.url}
              </th>
              <td>
                {endpoint.eventTypes.length === 0 ? (
                  words.allEvents
                ) : (
                  <ul className="admin-scope-list">
                    {endpoint.eventTypes.map((type) => (
                      <li key={type} title={type}>
                        {eventLabel(type)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <EndpointStatus endpoint={endpoint} />
              </td>
              <td>{formatDateTime(endpoint.createdAt)}</td>
              <td className="admin-actions">
                <EndpointActions endpoint={endpoint} events={events} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {endpoints.length === 0 ? <p className="muted">{words.empty}</p> : null}
    </div>
  );
}

type Panel =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'edit'; endpoint: WebhookEndpoint }
  | { kind: 'secret'; created: WebhookWithSecret };

function WebhooksAdmin() {
  const pages = useInfiniteQuery(
    trpc.webhooks.list.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [logOf, setLogOf] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const endpoints = pages.data?.pages.flatMap((page) => page.items) ?? [];
  // The endpoint as the list has it now, so the log shows its latest state (enabled, version).
  const logged = endpoints.find((endpoint) => endpoint.id === logOf) ?? null;
  const show = (next: Panel) => {
    setMessage(null);
    setFailure(null);
    setPanel(next);
  };
  const events: EndpointEvents = {
    onEdit: (endpoint) => show({ kind: 'edit', endpoint }),
    onDeliveries: (endpoint) => setLogOf(endpoint.id),
    onSecret: (created) => show({ kind: 'secret', created }),
    onRemoved: (endpoint) => {
      if (logOf === endpoint.id) setLogOf(null);
      show({ kind: 'none' });
      setMessage(words.removed);
    },
    onFailed: (error) => {
      setMessage(null);
      setFailure(error);
    },
  };
  return (
    <>
      <div className="admin-toolbar">
        <button type="button" className="admin-push" onClick={() => show({ kind: 'create' })}>
          {words.newWebhook}
        </button>
      </div>
      <Announcement message={message} />
      <AdminRefusal error={failure} />
      {panel.kind === 'secret' ? (
        <OneTimeSecret
          title={`${words.secret.title}: ${panel.created.endpoint.url}`}
          label={words.secret.label}
          value={panel.created.secret}
          explain={words.secret.explain}
          onDone={() => show({ kind: 'none' })}
        />
      ) : null}
      {panel.kind === 'create' || panel.kind === 'edit' ? (
        <WebhookForm
          key={panel.kind === 'edit' ? `edit:${panel.endpoint.id}` : 'new'}
          {...(panel.kind === 'edit' ? { endpoint: panel.endpoint } : {})}
          onCreated={(created) => show({ kind: 'secret', created })}
          onUpdated={() => {
            show({ kind: 'none' });
            setMessage(words.updated);
          }}
          onCancel={() => show({ kind: 'none' })}
        />
      ) : null}
      {pages.isPending ? <Loading /> : null}
      <AdminRefusal error={pages.error} />
      {pages.isSuccess ? <EndpointTable endpoints={endpoints} selectedId={logOf} events={events} /> : null}
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
      {logged ? <WebhookDeliveries key={`log:${logged.id}`} endpoint={logged} onClose={() => setLogOf(null)} /> : null}
    </>
  );
}

export function AdminWebhooksPage() {
  return (
    <AdminPage title={words.title} intro={words.intro}>
      <WebhooksAdmin />
    </AdminPage>
  );
}
