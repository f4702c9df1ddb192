import { getRouteApi } from '@tanstack/react-router';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { useAssignmentPages } from '../ui/list-pages';
import { Refusal } from '../ui/list-refusal';
import { AssignmentTable, MoreButton } from '../ui/list-table';
import { type FilterChange, ListFilters } from './list-filters';
import { type AssignmentListSearch, hasFilters, listInputOf, withoutEmpty } from './list-search';
import './list-page.css';

export { validateAssignmentListSearch } from './list-search';

const route = getRouteApi('/signed-in/oppdrag');

/** The first page, and more as asked for, by the API's keyset cursor: never the whole table. */
const useListPages = (search: AssignmentListSearch) => useAssignmentPages(listInputOf(search), { keepPrevious: true });

function Results({ search }: { search: AssignmentListSearch }) {
  const pages = useListPages(search);
  if (pages.isPending) return <Loading />;
  const assignments = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const busy = pages.isPlaceholderData || (pages.isFetching && !pages.isFetchingNextPage);
  return (
    <section className="list-results" aria-label={text.list.resultsCaption}>
      <p className="muted" aria-live="polite" role="status">
        {busy ? text.list.updating : text.list.shown(assignments.length, pages.hasNextPage)}
      </p>
      {pages.error ? <Refusal error={pages.error} onRetry={() => pages.refetch()} /> : null}
      {assignments.length > 0 ? (
        <AssignmentTable assignments={assignments} caption={text.list.resultsCaption} busy={busy} />
      ) : null}
      <MoreButton
        hasMore={pages.hasNextPage && !pages.isPlaceholderData}
        loading={pages.isFetchingNextPage}
        onMore={() => pages.fetchNextPage()}
      />
    </section>
  );
}

export function AssignmentListPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const change: FilterChange = (changes) =>
    navigate({ search: (previous) => withoutEmpty({ ...previous, ...changes }) });
  return (
    <>
      <h1>{text.list.title}</h1>
      <ListFilters
        search={search}
        onChange={change}
        onReset={() => navigate({ search: {} })}
        canReset={hasFilters(search)}
      />
      <Results search={search} />
    </>
  );
}
