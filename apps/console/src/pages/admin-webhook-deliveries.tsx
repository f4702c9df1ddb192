import type { RouterOutputs } from '@takst/sdk';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { eventLabel } from './admin-event-types';
import { AdminRefusal, Announcement } from './admin-feedback';
import type { WebhookEndpoint } from './admin-webhook-form';

type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];
type DeliveryStatus = Delivery['status'];

const words = text.admin.webhooks;
const STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'exhausted'];
const STATUS_BADGE: Record<DeliveryStatus, string> = {
  pending: 'badge',
  succeeded: 'badge badge-ok',
  failed: 'badge badge-warn',
  exhausted: 'badge badge-error',
};
/** Deliveries change without events (each attempt); while the log is open it is read again. */
const REFRESH_EVERY_MS = 5_000;

/** `2026-12-04T09:30` for a datetime-local field, in the browser's time. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function Attempts({ delivery }: { delivery: Delivery }) {
  if (delivery.attempts.length === 0) return null;
  return (
    <details>
      <summary className="small">{words.delivery.attemptsOf(delivery.attempts.length)}</summary>
      <ol className="admin-attempts">
        {delivery.attempts.map((attempt) => (
          <li key={attempt.number}>
            {words.delivery.attempt(attempt.number, formatDateTime(attempt.attemptedAt))}:{' '}
            {attempt.statusCode ?? words.delivery.noAnswer}, {words.delivery.duration(attempt.durationMs)}
            {attempt.error || attempt.response ? <pre>{attempt.error ?? attempt.response}</pre> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

function DeliveryRow({
  delivery,
  onRedelivered,
  onFailed,
}: {
  delivery: Delivery;
  onRedelivered: () => void;
  onFailed: (error: unknown) => void;
}) {
  const queryClient = useQueryClient();
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: onRedelivered,
      onError: onFailed,
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.pathKey() }),
    }),
  );
  const code = delivery.lastStatusCode ?? (delivery.attemptCount > 0 ? words.delivery.noAnswer : text.common.none);
  return (
    <tr>
      <th scope="row">
        {eventLabel(delivery.eventType)}
        <div className="small muted">
          <code>{delivery.eventType}</code> · {words.delivery.sequence(delivery.eventSequence)}
        </div>
        <Attempts delivery={delivery} />
      </th>
      <td>
        <span className={STATUS_BADGE[delivery.status]}>{words.delivery.statuses[delivery.status]}</span>
      </td>
      <td>{delivery.attemptCount}</td>
      <td>{code}</td>
      <td>{formatDateTime(delivery.lastAttemptAt)}</td>
      <td>{formatDateTime(delivery.nextAttemptAt)}</td>
      <td className="admin-actions">
        <button
          type="button"
          className="button-secondary"
          aria-label={words.delivery.redeliverOf(delivery.eventType, delivery.eventSequence)}
          disabled={redeliver.isPending}
          onClick={() => redeliver.mutate({ deliveryId: delivery.id })}
        >
          {words.delivery.redeliver}
        </button>
      </td>
    </tr>
  );
}

/**
 * Sends again every event since a time that the endpoint's filter matches. A disabled endpoint
 * is enabled first (the platform refuses to recover one that is off), from the time it stopped.
 */
function RecoverForm({ endpoint, onDone }: { endpoint: WebhookEndpoint; onDone: (message: string) => void }) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const disabled = !endpoint.enabled;
  const start = endpoint.disabledAt ?? endpoint.failingSince;
  const [since, setSince] = useState(() =>
    localInputValue(start ? new Date(start) : new Date(Date.now() - 60 * 60 * 1000)),
  );
  const [invalid, setInvalid] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const enable = useMutation(trpc.webhooks.update.mutationOptions());
  const recover = useMutation(
    trpc.webhooks.recover.mutationOptions({
      onSuccess: ({ queued }) => onDone(words.recover.queued(queued)),
      onSettled: refresh,
    }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const from = new Date(since);
    setInvalid(Number.isNaN(from.getTime()));
    if (Number.isNaN(from.getTime())) return;
    enable.reset();
    recover.reset();
    try {
      if (disabled) {
        await enable.mutateAsync({ id: endpoint.id, expectedVersion: endpoint.version, patch: { enabled: true } });
      }
      await recover.mutateAsync({ endpointId: endpoint.id, since: from.toISOString() });
    } catch {
      // Shown below from the mutation's error; the list is read again in any case.
      await refresh();
    }
  };
  return (
    <form className="admin-form" aria-labelledby={titleId} onSubmit={submit}>
      <h3 id={titleId}>{words.recover.title}</h3>
      <p className="hint">{disabled ? words.recover.explainDisabled : words.recover.explainEnabled}</p>
      <div className="row">
        <label>
          {words.recover.since}
          <input
            type="datetime-local"
            required
            value={since}
            aria-invalid={invalid ? true : undefined}
            onChange={(event) => setSince(event.target.value)}
          />
        </label>
        <button type="submit" disabled={enable.isPending || recover.isPending}>
          {disabled ? words.recover.submitDisabled : words.recover.submitEnabled}
        </button>
      </div>
      {invalid ? (
        <p role="alert" className="alert alert-error small">
          {words.recover.invalidTime}
        </p>
      ) : null}
      <AdminRefusal error={enable.error ?? recover.error} />
    </form>
  );
}

/** The delivery log of one endpoint, newest event first, with redelivery and recovery. */
export function WebhookDeliveries({ endpoint, onClose }: { endpoint: WebhookEndpoint; onClose: () => void }) {
  const titleId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const input = { endpointId: endpoint.id, limit: 25, ...(status ? { status } : {}) };
  const pages = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor,
      refetchInterval: REFRESH_EVERY_MS,
    }),
  );
  const deliveries = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const done = (next: string) => {
    setFailure(null);
    setMessage(next);
  };
  return (
    <section className="card admin-deliveries" aria-labelledby={titleId}>
      <div className="admin-toolbar">
        <h2 id={titleId} ref={headingRef} tabIndex={-1} className="admin-url">
          {words.deliveriesOf(endpoint.url)}
        </h2>
        <button type="button" className="button-quiet admin-push" onClick={onClose}>
          {text.admin.actions.close}
        </button>
      </div>
      <RecoverForm key={`${endpoint.id}:${endpoint.version}`} endpoint={endpoint} onDone={done} />
      <div className="admin-toolbar">
        <label>
          {words.delivery.status}
          <select value={status} onChange={(event) => setStatus(event.target.value as DeliveryStatus | '')}>
            <option value="">{words.delivery.statusAll}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {words.delivery.statuses[value]}
              </option>
            ))}
          </select>
        </label>
        <p className="small muted">{words.delivery.autoRefresh}</p>
      </div>
      <Announcement message={message} />
      <AdminRefusal error={failure} />
      {pages.isPending ? <Loading /> : null}
      <AdminRefusal error={pages.error} />
      {pages.isSuccess ? (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{words.delivery.caption(endpoint.url)}</caption>
            <thead>
              <tr>
                <th scope="col">{words.delivery.columns.event}</th>
                <th scope="col">{words.delivery.columns.status}</th>
                <th scope="col">{words.delivery.columns.attempts}</th>
                <th scope="col">{words.delivery.columns.code}</th>
                <th scope="col">{words.delivery.columns.last}</th>
                <th scope="col">{words.delivery.columns.next}</th>
                <th scope="col">{words.delivery.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  onRedelivered={() => done(words.delivery.redelivered)}
                  onFailed={(error) => {
                    setMessage(null);
                    setFailure(error);
                  }}
                />
              ))}
            </tbody>
          </table>
          {deliveries.length === 0 ? <p className="muted">{words.delivery.empty}</p> : null}
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
    </section>
  );
}
