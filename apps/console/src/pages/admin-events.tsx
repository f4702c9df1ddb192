import type { AssignmentStatus, TakstEvent } from '@takst/sdk';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { listenToLiveEvents, useLiveConnection } from '../live';
import { text } from '../text';
import { formatDate } from '../ui/format';
import { EVENT_TYPES_BY_ENTITY, entityLabel, eventLabel } from './admin-event-types';
import { AdminPage } from './admin-page';

const words = text.admin.events;
/** The feed keeps the latest events only; the log itself is in `events.list`. */
const KEPT = 200;

// Seconds matter in a live feed, which the console's shared formats leave out.
const clock = new Intl.DateTimeFormat('nb-NO', { timeStyle: 'medium', timeZone: 'Europe/Oslo' });

function field(data: unknown, name: string): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const value = (data as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

/** The assignment an event is about, or belongs to; with its reference when the event has it. */
function assignmentOf(event: TakstEvent): { id: string; reference: string | null } | null {
  if (event.entityType === 'assignment') return { id: event.entityId, reference: field(event.data, 'reference') };
  const id = field(event.data, 'assignmentId');
  return id ? { id, reference: null } : null;
}

/** A status move in the firm's words, the one change worth reading at a glance. */
function statusMove(event: TakstEvent): string | null {
  const change = event.changes.status;
  if (event.entityType !== 'assignment' || !change) return null;
  const name = (value: unknown) =>
    typeof value === 'string' && value in text.status ? text.status[value as AssignmentStatus] : String(value);
  return `${name(change.from)} → ${name(change.to)}`;
}

function EntityCell({ event }: { event: TakstEvent }) {
  const assignment = assignmentOf(event);
  const named = field(event.data, 'name') ?? field(event.data, 'email');
  return (
    <td>
      {entityLabel(event.entityType)}
      {named ? `: ${named}` : null}
      {assignment ? (
        <div>
          <Link to="/oppdrag/$id" params={{ id: assignment.id }}>
            {assignment.reference ?? words.toAssignment}
          </Link>
        </div>
      ) : null}
    </td>
  );
}

function EventRow({ event }: { event: TakstEvent }) {
  const move = statusMove(event);
  const changed = Object.keys(event.changes).length > 0;
  return (
    <tr>
      <td>
        <time dateTime={event.occurredAt}>{clock.format(new Date(event.occurredAt))}</time>
        <div className="small muted">{formatDate(event.occurredAt)}</div>
      </td>
      <th scope="row">
        {eventLabel(event.type)}
        <div className="small muted">
          <code>{event.type}</code> · {words.sequence(event.sequence)}
        </div>
        {move ? <div>{move}</div> : null}
        {changed ? (
          <details>
            <summary className="small">{words.changes}</summary>
            <pre className="admin-changes">{JSON.stringify(event.changes, null, 2)}</pre>
          </details>
        ) : null}
      </th>
      <EntityCell event={event} />
      <td>{event.actor.name}</td>
      <td>{event.user?.name ?? text.common.none}</td>
    </tr>
  );
}

/**
 * The tab's live stream (opened by the layout), newest first. Paused, arriving events wait
 * (the latest KEPT of them) and come in on resume, so nothing is lost while reading.
 */
function useEventFeed() {
  const [shown, setShown] = useState<TakstEvent[]>([]);
  const [waiting, setWaiting] = useState<TakstEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useEffect(
    () =>
      listenToLiveEvents((event) => {
        const add = (list: TakstEvent[]) => [event, ...list].slice(0, KEPT);
        if (pausedRef.current) setWaiting(add);
        else setShown(add);
      }),
    [],
  );
  return {
    shown,
    waiting: waiting.length,
    paused,
    toggle: () => {
      if (paused) {
        setShown((list) => [...waiting, ...list].slice(0, KEPT));
        setWaiting([]);
      }
      setPaused(!paused);
    },
    clear: () => {
      setShown([]);
      setWaiting([]);
    },
  };
}

function EventFeed() {
  const feed = useEventFeed();
  const connection = useLiveConnection();
  const [entity, setEntity] = useState('');
  const visible = entity ? feed.shown.filter((event) => event.entityType === entity) : feed.shown;
  const connectionWords = {
    live: text.admin.live.liveLong,
    connecting: text.admin.live.connectingLong,
    offline: text.admin.live.offlineLong,
  }[connection];
  return (
    <>
      <div className="admin-toolbar">
        <button type="button" aria-pressed={feed.paused} onClick={feed.toggle}>
          {feed.paused ? words.resume : words.pause}
        </button>
        <button type="button" className="button-secondary" onClick={feed.clear}>
          {words.clear}
        </button>
        <label>
          {words.filter}
          <select value={entity} onChange={(event) => setEntity(event.target.value)}>
            <option value="">{words.filterAll}</option>
            {Object.keys(EVENT_TYPES_BY_ENTITY).map((type) => (
              <option key={type} value={type}>
                {entityLabel(type)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="admin-feed-status">
        <p className="small" data-state={connection}>
          <span className="muted">{words.connection}: </span>
          {connectionWords}
        </p>
        <p className="small" role="status">
          {feed.paused ? words.paused(feed.waiting) : ''}
        </p>
      </div>
      <div className="admin-table-wrap">
        <table className="admin-table">
          <caption>{words.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{words.columns.time}</th>
              <th scope="col">{words.columns.type}</th>
              <th scope="col">{words.columns.entity}</th>
              <th scope="col">{words.columns.actor}</th>
              <th scope="col">{words.columns.user}</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((event) => (
              <EventRow key={event.sequence} event={event} />
            ))}
          </tbody>
        </table>
      </div>
      <p className="small muted">{visible.length === 0 ? words.waiting : words.shown(visible.length, KEPT)}</p>
    </>
  );
}

export function AdminEventsPage() {
  return (
    <AdminPage title={words.title} intro={words.intro}>
      <EventFeed />
    </AdminPage>
  );
}
