import type { RouterOutputs } from '@takst/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { EVENT_TYPES_BY_ENTITY, entityLabel, eventLabel } from './admin-event-types';
import { AdminRefusal } from './admin-feedback';

export type WebhookEndpoint = RouterOutputs['webhooks']['get'];
export type WebhookWithSecret = RouterOutputs['webhooks']['create'];

const words = text.admin.webhooks.form;

const FIELDS: Record<string, string> = { url: words.url, eventTypes: words.eventTypes, enabled: words.enabled };

interface Draft {
  url: string;
  eventTypes: string[];
  enabled: boolean;
}

const draftOf = (endpoint: WebhookEndpoint | undefined): Draft => ({
  url: endpoint?.url ?? '',
  eventTypes: [...(endpoint?.eventTypes ?? [])],
  enabled: endpoint?.enabled ?? true,
});

const sameTypes = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();

function patchOf(endpoint: WebhookEndpoint, draft: Draft) {
  return {
    ...(draft.url.trim() !== endpoint.url ? { url: draft.url.trim() } : {}),
    ...(sameTypes(draft.eventTypes, endpoint.eventTypes) ? {} : { eventTypes: draft.eventTypes }),
    ...(draft.enabled !== endpoint.enabled ? { enabled: draft.enabled } : {}),
  };
}

/** The known types by entity, plus any the endpoint lists that we do not know. */
function groupsOf(chosen: readonly string[]): [string, readonly string[]][] {
  const known = new Set(Object.values(EVENT_TYPES_BY_ENTITY).flat());
  const others = chosen.filter((type) => !known.has(type));
  const groups = Object.entries(EVENT_TYPES_BY_ENTITY);
  return others.length > 0 ? [...groups, ['', others]] : groups;
}

function EventTypeChoices({ chosen, onChange }: { chosen: readonly string[]; onChange: (types: string[]) => void }) {
  const hintId = useId();
  return (
    <fieldset aria-describedby={hintId}>
      <legend>{words.eventTypes}</legend>
      <p id={hintId} className="hint">
        {words.eventTypesHint}
      </p>
      {groupsOf(chosen).map(([entity, types]) => (
        <fieldset key={entity || 'other'} className="admin-event-group">
          <legend>{entity ? entityLabel(entity) : words.eventTypes}</legend>
          <div className="admin-checks">
            {types.map((type) => (
              <label key={type}>
                <input
                  type="checkbox"
                  name="eventTypes"
                  value={type}
                  checked={chosen.includes(type)}
                  onChange={(event) =>
                    onChange(event.target.checked ? [...chosen, type] : chosen.filter((other) => other !== type))
                  }
                />
                <span>
                  {eventLabel(type)} <code>{type}</code>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </fieldset>
  );
}

/**
 * A new endpoint (answered with its signing secret, shown once) or changes to one at the version
 * the admin saw. Takst keeps no description of an endpoint: the address and events are all.
 */
export function WebhookForm({
  endpoint,
  onCreated,
  onUpdated,
  onCancel,
}: {
  endpoint?: WebhookEndpoint;
  onCreated: (created: WebhookWithSecret) => void;
  onUpdated: () => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const urlHintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [base, setBase] = useState<WebhookEndpoint | undefined>(endpoint);
  const [draft, setDraft] = useState<Draft>(() => draftOf(endpoint));
  const [unchanged, setUnchanged] = useState(false);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (created) => {
        await refresh();
        onCreated(created);
      },
    }),
  );
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onUpdated();
      },
      onError: async () => {
        await refresh();
        if (!endpoint) return;
        // Changed by someone else (or disabled by the platform): edit from what it is now.
        const fresh = await queryClient.fetchQuery(trpc.webhooks.get.queryOptions({ id: endpoint.id }));
        if (fresh.version !== base?.version) {
          setBase(fresh);
          setDraft(draftOf(fresh));
        }
      },
    }),
  );
  const pending = create.isPending || update.isPending;
  const set = (changes: Partial<Draft>) => {
    setUnchanged(false);
    setDraft((current) => ({ ...current, ...changes }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!base) {
      create.mutate({ url: draft.url.trim(), eventTypes: draft.eventTypes, enabled: draft.enabled });
      return;
    }
    const patch = patchOf(base, draft);
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    update.mutate({ id: base.id, expectedVersion: base.version, patch });
  };
  return (
    <form className="card admin-form" aria-labelledby={titleId} onSubmit={submit}>
      <h2 id={titleId} ref={headingRef} tabIndex={-1}>
        {base ? words.editTitle : words.createTitle}
      </h2>
      <label>
        {words.url}
        <span id={urlHintId} className="hint">
          {words.urlHint}
        </span>
        <input
          name="url"
          type="url"
          required
          maxLength={2048}
          autoComplete="off"
          aria-describedby={urlHintId}
          value={draft.url}
          onChange={(event) => set({ url: event.target.value })}
        />
      </label>
      <EventTypeChoices chosen={draft.eventTypes} onChange={(eventTypes) => set({ eventTypes })} />
      <label className="admin-check">
        <input type="checkbox" checked={draft.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
        {words.enabled}
      </label>
      <p className="hint">{words.description}</p>
      <AdminRefusal error={create.error ?? update.error} fields={FIELDS} />
      <p role="status" className={unchanged ? 'muted' : 'visually-hidden'}>
        {unchanged ? words.nothingChanged : ''}
      </p>
      <div className="admin-form-actions">
        <button type="submit" disabled={pending}>
          {pending ? text.admin.actions.working : base ? words.save : words.create}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {text.admin.actions.cancel}
        </button>
      </div>
    </form>
  );
}
