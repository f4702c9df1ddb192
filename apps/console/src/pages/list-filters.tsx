import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES, type AssignmentStatus, type AssignmentType } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { isDay } from '../ui/list-dates';
import { FINISHED_STATUSES, OPEN_STATUSES } from '../ui/list-statuses';
import { ChoiceFilter, type Preset } from './list-choice';
import { ClientFilter } from './list-client';
import {
  type AssignmentListSearch,
  type ListDirection,
  type ListSort,
  MIN_SEARCH_LENGTH,
  searchTextOf,
} from './list-search';

export type FilterChange = (changes: Partial<AssignmentListSearch>) => void;

const TYPING_PAUSE_MS = 300;

const statusChoices = ASSIGNMENT_STATUSES.map((value) => ({ value, label: text.status[value] }));
const statusPresets: readonly Preset<AssignmentStatus>[] = [
  { key: 'open', label: text.list.openStatuses, values: OPEN_STATUSES },
  { key: 'finished', label: text.list.finishedStatuses, values: FINISHED_STATUSES },
];
const typeChoices = ASSIGNMENT_TYPES.map((value) => ({ value, label: text.list.types[value] }));

/**
 * The free-text search: the URL changes once typing pauses, so a million rows are searched once
 * per word, not once per key. The URL wins when it changes on its own (the back button).
 */
function SearchBox({ q, onChange }: { q: string | undefined; onChange: FilterChange }) {
  const inputId = useId();
  const hintId = useId();
  const [typed, setTyped] = useState(q ?? '');
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setTyped((current) => (searchTextOf(current) === q ? current : (q ?? '')));
  }, [q]);
  useEffect(() => () => clearTimeout(pending.current), []);

  const type = (value: string) => {
    setTyped(value);
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      const next = searchTextOf(value);
      if (next !== q) onChange({ q: next });
    }, TYPING_PAUSE_MS);
  };
  const tooShort = typed.trim().length > 0 && typed.trim().length < MIN_SEARCH_LENGTH;
  return (
    <div className="list-search">
      <label htmlFor={inputId}>{text.list.search}</label>
      <input
        id={inputId}
        type="search"
        value={typed}
        autoComplete="off"
        aria-describedby={hintId}
        onChange={(event) => type(event.target.value)}
      />
      <span id={hintId} className="muted small">
        {tooShort ? text.list.searchTooShort : text.list.searchHint}
      </span>
    </div>
  );
}

function AppraiserFilter({ appraiserId, onChange }: { appraiserId: string | undefined; onChange: FilterChange }) {
  const selectId = useId();
  const appraisers = useQuery(trpc.appraisers.list.queryOptions({ limit: 200 }, { staleTime: 5 * 60_000 }));
  const known = appraisers.data?.items ?? [];
  const missing = appraiserId !== undefined && !known.some((appraiser) => appraiser.id === appraiserId);
  return (
    <div>
      <label htmlFor={selectId}>{text.list.appraiser}</label>
      <select
        id={selectId}
        value={appraiserId ?? ''}
        onChange={(event) => onChange({ appraiserId: event.target.value || undefined })}
      >
        <option value="">{text.list.allAppraisers}</option>
        {known.map((appraiser) => (
          <option key={appraiser.id} value={appraiser.id}>
            {appraiser.active ? appraiser.name : text.list.inactiveAppraiser(appraiser.name)}
          </option>
        ))}
        {missing ? <option value={appraiserId}>{text.list.otherAppraiser}</option> : null}
      </select>
    </div>
  );
}

const SORTS = ['createdAt_desc', 'createdAt_asc', 'dueDate_asc', 'dueDate_desc'] as const;
type SortKey = (typeof SORTS)[number];
const DEFAULT_DIRECTION: Record<ListSort, ListDirection> = { createdAt: 'desc', dueDate: 'asc' };

function SortChoice({ search, onChange }: { search: AssignmentListSearch; onChange: FilterChange }) {
  const selectId = useId();
  const sort = search.sort ?? 'createdAt';
  const value = `${sort}_${search.direction ?? DEFAULT_DIRECTION[sort]}` as SortKey;
  const choose = (key: SortKey) => {
    const [nextSort, nextDirection] = key.split('_') as [ListSort, ListDirection];
    onChange({
      sort: nextSort === 'createdAt' ? undefined : nextSort,
      direction: nextDirection === DEFAULT_DIRECTION[nextSort] ? undefined : nextDirection,
    });
  };
  return (
    <div>
      <label htmlFor={selectId}>{text.list.sort}</label>
      <select id={selectId} value={value} onChange={(event) => choose(event.target.value as SortKey)}>
        {SORTS.map((key) => (
          <option key={key} value={key}>
            {text.list.sorts[key]}
          </option>
        ))}
      </select>
    </div>
  );
}

function DayFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | undefined;
  onChange: (day: string | undefined) => void;
}) {
  const inputId = useId();
  return (
    <div>
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type="date"
        value={value ?? ''}
        onChange={(event) => {
          const typed = event.target.value;
          if (typed === '') onChange(undefined);
          else if (isDay(typed)) onChange(typed);
        }}
      />
    </div>
  );
}

/** Four digits go to the URL at once; anything less waits, so typing 0301 does not search for 03. */
function MunicipalityFilter({ municipality, onChange }: { municipality: string | undefined; onChange: FilterChange }) {
  const inputId = useId();
  const hintId = useId();
  const [typed, setTyped] = useState(municipality ?? '');
  useEffect(() => setTyped(municipality ?? ''), [municipality]);
  const type = (value: string) => {
    setTyped(value);
    const trimmed = value.trim();
    if (trimmed === '') onChange({ municipality: undefined });
    else if (/^\d{4}$/.test(trimmed)) onChange({ municipality: trimmed });
  };
  const invalid = typed.trim() !== '' && !/^\d{0,4}$/.test(typed.trim());
  return (
    <div>
      <label htmlFor={inputId}>{text.list.municipality}</label>
      <input
        id={inputId}
        inputMode="numeric"
        maxLength={4}
        size={6}
        value={typed}
        aria-describedby={hintId}
        aria-invalid={invalid}
        onChange={(event) => type(event.target.value)}
      />
      <span id={hintId} className={invalid ? 'list-invalid small' : 'muted small'}>
        {invalid ? text.list.municipalityInvalid : text.list.municipalityHint}
      </span>
    </div>
  );
}

const MORE_FILTERS: readonly (keyof AssignmentListSearch)[] = [
  'clientId',
  'municipality',
  'createdFrom',
  'createdUntil',
  'dueBy',
  'updatedSince',
];

/** Every filter `assignments.list` takes, each change a new URL. */
export function ListFilters({
  search,
  onChange,
  onReset,
  canReset,
}: {
  search: AssignmentListSearch;
  onChange: FilterChange;
  onReset: () => void;
  canReset: boolean;
}) {
  // Open from the start when the URL uses one of them; after that, as the person leaves it.
  const [moreOpen, setMoreOpen] = useState(() => MORE_FILTERS.some((key) => search[key] !== undefined));
  return (
    <search className="card list-filters" aria-label={text.list.filtersTitle}>
      <div className="list-filters-main">
        <SearchBox q={search.q} onChange={onChange} />
        <ChoiceFilter<AssignmentStatus>
          label={text.list.status}
          allLabel={text.list.allStatuses}
          severalLabel={text.list.chooseSeveralStatuses}
          choices={statusChoices}
          presets={statusPresets}
          selected={search.status}
          onChange={(status) => onChange({ status })}
        />
        <ChoiceFilter<AssignmentType>
          label={text.list.type}
          allLabel={text.list.allTypes}
          severalLabel={text.list.chooseSeveralTypes}
          choices={typeChoices}
          selected={search.type}
          onChange={(type) => onChange({ type })}
        />
        <AppraiserFilter appraiserId={search.appraiserId} onChange={onChange} />
        <SortChoice search={search} onChange={onChange} />
      </div>
      <details
        className="list-more-filters"
        open={moreOpen}
        onToggle={(event) => setMoreOpen(event.currentTarget.open)}
      >
        <summary>{text.list.moreFilters}</summary>
        <div className="list-filters-more">
          <ClientFilter clientId={search.clientId} onChange={(clientId) => onChange({ clientId })} />
          <MunicipalityFilter municipality={search.municipality} onChange={onChange} />
          <DayFilter
            label={text.list.createdFrom}
            value={search.createdFrom}
            onChange={(createdFrom) => onChange({ createdFrom })}
          />
          <DayFilter
            label={text.list.createdUntil}
            value={search.createdUntil}
            onChange={(createdUntil) => onChange({ createdUntil })}
          />
          <DayFilter label={text.list.dueBy} value={search.dueBy} onChange={(dueBy) => onChange({ dueBy })} />
          <DayFilter
            label={text.list.updatedSince}
            value={search.updatedSince}
            onChange={(updatedSince) => onChange({ updatedSince })}
          />
        </div>
      </details>
      {canReset ? (
        <p className="list-reset">
          <button type="button" className="button-secondary" onClick={onReset}>
            {text.list.reset}
          </button>
        </p>
      ) : null}
    </search>
  );
}
