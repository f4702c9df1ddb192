import type { Appraiser } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useId } from 'react';
import { trpc } from '../api';
import { useMe } from '../me';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { addDays, mondayOf, todayInOslo, weekNumberOf } from '../ui/list-dates';
import { Refusal } from '../ui/list-refusal';
import { AllAppraisersWeek } from './calendar-all';
import { weekRangeTitle } from './calendar-days';
import { ALL_APPRAISERS } from './calendar-search';
import { AppraiserWeek } from './calendar-week';
import './calendar-page.css';

export { validateCalendarSearch } from './calendar-search';

const route = getRouteApi('/signed-in/kalender');

function WeekNavigation({ monday }: { monday: string }) {
  return (
    <nav aria-label={text.calendar.navigation} className="calendar-nav">
      <Link
        to="/kalender"
        search={(previous) => ({ ...previous, uke: addDays(monday, -7) })}
        className="button button-secondary"
      >
        <span aria-hidden="true">← </span>
        {text.calendar.previousWeek}
      </Link>
      <Link to="/kalender" search={(previous) => ({ ...previous, uke: undefined })} className="button button-secondary">
        {text.calendar.thisWeek}
      </Link>
      <Link
        to="/kalender"
        search={(previous) => ({ ...previous, uke: addDays(monday, 7) })}
        className="button button-secondary"
      >
        {text.calendar.nextWeek}
        <span aria-hidden="true"> →</span>
      </Link>
    </nav>
  );
}

function AppraiserChoice({ appraisers, shown }: { appraisers: readonly Appraiser[]; shown: string }) {
  const selectId = useId();
  const navigate = route.useNavigate();
  return (
    <div className="calendar-choice">
      <label htmlFor={selectId}>{text.calendar.appraiser}</label>
      <select
        id={selectId}
        value={shown}
        onChange={(event) => navigate({ search: (previous) => ({ ...previous, takstmann: event.target.value }) })}
      >
        <option value={ALL_APPRAISERS}>{text.calendar.allAppraisers}</option>
        {appraisers.map((appraiser) => (
          <option key={appraiser.id} value={appraiser.id}>
            {appraiser.active ? appraiser.name : text.calendar.inactive(appraiser.name)}
          </option>
        ))}
        {shown !== ALL_APPRAISERS && !appraisers.some((appraiser) => appraiser.id === shown) ? (
          <option value={shown}>{text.calendar.appraiser}</option>
        ) : null}
      </select>
    </div>
  );
}

/**
 * Whose week: an appraiser sees their own; whoever plans for others (support, admin, reviewers)
 * picks an appraiser or all of them, starting from their own week when they have one.
 */
function useShownAppraiser(chosen: string | undefined): { shown: string | null; canChoose: boolean } {
  const { user, has } = useMe();
  const own = user?.appraiserId ?? null;
  const canChoose = has('support', 'admin', 'reviewer');
  if (!canChoose) return { shown: own, canChoose };
  return { shown: chosen ?? own ?? ALL_APPRAISERS, canChoose };
}

export function CalendarPage() {
  const { uke, takstmann } = route.useSearch();
  const { user } = useMe();
  const monday = uke ?? mondayOf(todayInOslo());
  const { shown, canChoose } = useShownAppraiser(takstmann);
  const appraisers = useQuery(trpc.appraisers.list.queryOptions({ limit: 200 }, { staleTime: 5 * 60_000 }));
  const known = appraisers.data?.items ?? [];
  const nameOf = (id: string) =>
    known.find((appraiser) => appraiser.id === id)?.name ??
    (id === user?.appraiserId ? user.name : text.calendar.appraiser);

  return (
    <>
      <h1>{text.calendar.title}</h1>
      <div className="calendar-toolbar">
        <p className="calendar-week-title">{text.calendar.week(weekNumberOf(monday), weekRangeTitle(monday))}</p>
        <WeekNavigation monday={monday} />
        {canChoose && shown ? <AppraiserChoice appraisers={known} shown={shown} /> : null}
      </div>
      {appraisers.error ? <Refusal error={appraisers.error} onRetry={() => appraisers.refetch()} /> : null}
      {shown === null ? (
        <p className="alert alert-warn">{text.calendar.noAppraiserRecord}</p>
      ) : shown === ALL_APPRAISERS ? (
        appraisers.isPending ? (
          <Loading />
        ) : (
          <AllAppraisersWeek appraisers={known.filter((appraiser) => appraiser.active)} monday={monday} />
        )
      ) : (
        <AppraiserWeek appraiserId={shown} name={nameOf(shown)} monday={monday} />
      )}
    </>
  );
}
