import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { useDebouncedValue } from '../ui/list-debounce';
import { Refusal } from '../ui/list-refusal';
import { MIN_SEARCH_LENGTH, searchTextOf } from './list-search';

const SUGGESTIONS = 8;
const TYPING_PAUSE_MS = 300;

function ChosenClient({ clientId, onClear }: { clientId: string; onClear: () => void }) {
  const client = useQuery(trpc.parties.get.queryOptions({ id: clientId }, { staleTime: 60_000 }));
  return (
    <div className="list-client-chosen">
      <span className="list-filter-label">{text.list.client}</span>
      <span>
        {client.data?.name ?? (client.error ? text.list.errors.PARTY_NOT_FOUND : text.list.updating)}{' '}
        <button type="button" className="button-quiet" onClick={onClear}>
          {text.list.removeClient}
        </button>
      </span>
    </div>
  );
}

function ClientSearch({ onChoose }: { onChoose: (clientId: string) => void }) {
  const inputId = useId();
  const hintId = useId();
  const [typed, setTyped] = useState('');
  const q = searchTextOf(useDebouncedValue(typed, TYPING_PAUSE_MS));
  const found = useQuery({
    ...trpc.parties.search.queryOptions({ q: q ?? '', limit: SUGGESTIONS }),
    enabled: q !== undefined,
    placeholderData: keepPreviousData,
  });
  const parties = q !== undefined ? (found.data?.items ?? []) : [];
  return (
    <div className="list-client-search">
      <label htmlFor={inputId}>{text.list.clientSearch}</label>
      <input
        id={inputId}
        type="search"
        value={typed}
        autoComplete="off"
        aria-describedby={hintId}
        onChange={(event) => setTyped(event.target.value)}
      />
      <span id={hintId} className="muted small">
        {text.list.clientSearchHint}
      </span>
      <p className="visually-hidden" aria-live="polite">
        {q !== undefined && found.data
          ? parties.length > 0
            ? text.list.clientsFound(parties.length)
            : text.list.noClientsFound
          : ''}
      </p>
      {found.error ? <Refusal error={found.error} /> : null}
      {q !== undefined && found.data && parties.length === 0 ? (
        <p className="muted small">{text.list.noClientsFound}</p>
      ) : null}
      {parties.length > 0 && typed.trim().length >= MIN_SEARCH_LENGTH ? (
        <ul className="list-client-results">
          {parties.map((party) => (
            <li key={party.id}>
              <button
                type="button"
                className="button-quiet"
                onClick={() => {
                  setTyped('');
                  onChoose(party.id);
                }}
              >
                <span className="visually-hidden">{text.list.choose} </span>
                {party.name}
                {party.organizationNumber ? <span className="muted small"> {party.organizationNumber}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The client filter: a chosen client with a way to drop it, or a search to choose one by name. */
export function ClientFilter({
  clientId,
  onChange,
}: {
  clientId: string | undefined;
  onChange: (clientId: string | undefined) => void;
}) {
  return clientId ? (
    <ChosenClient clientId={clientId} onClear={() => onChange(undefined)} />
  ) : (
    <ClientSearch onChoose={onChange} />
  );
}
