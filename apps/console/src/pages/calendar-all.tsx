import type { Appraiser, RouterOutputs } from '@takst/sdk';
import { type UseQueryResult, useQueries } from '@tanstack/react-query';
import { trpc } from '../api';
import { text } from '../text';
import { todayInOslo } from '../ui/list-dates';
import { Refusal } from '../ui/list-refusal';
import { byDay, dayShortTitle, daysOf, weekInput } from './calendar-days';
import { InspectionItem } from './calendar-inspection';

type WeekQuery = UseQueryResult<RouterOutputs['inspections']['list']>;

/**
 * Every active appraiser's week side by side, a row each. The API lists inspections per
 * appraiser only, so each row is a call of its own (the SDK sends them in one batch).
 */
export function AllAppraisersWeek({ appraisers, monday }: { appraisers: readonly Appraiser[]; monday: string }) {
  const weeks = useQueries({
    queries: appraisers.map((appraiser) => trpc.inspections.list.queryOptions(weekInput(appraiser.id, monday))),
  });
  const today = todayInOslo();
  const days = daysOf(monday);
  if (appraisers.length === 0) return <p className="muted">{text.calendar.noAppraisers}</p>;
  const loaded = weeks.every((week) => week.data !== undefined || week.error);
  const total = weeks.reduce((sum, week) => sum + (week.data?.items.length ?? 0), 0);
  return (
    <>
      <p className="muted" role="status">
        {loaded ? text.calendar.count(total) : text.calendar.counting}
      </p>
      <div className="calendar-all-scroll">
        <table className="calendar-all">
          <caption className="visually-hidden">{text.calendar.allCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.calendar.dayColumn}</th>
              {days.map((day) => (
                <th key={day} scope="col" className={day === today ? 'calendar-today' : undefined}>
                  <time dateTime={day} aria-current={day === today ? 'date' : undefined}>
                    {dayShortTitle(day)}
                  </time>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {appraisers.map((appraiser, index) => (
              <AppraiserRow
                key={appraiser.id}
                appraiser={appraiser}
                week={weeks[index] as WeekQuery}
                monday={monday}
                today={today}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function AppraiserRow({
  appraiser,
  week,
  monday,
  today,
}: {
  appraiser: Appraiser;
  week: WeekQuery;
  monday: string;
  today: string;
}) {
  const days = byDay(week.data?.items ?? [], monday);
  return (
    <tr>
      <th scope="row">
        {appraiser.name}
        {week.data?.nextCursor ? (
          <span className="muted small calendar-note">{text.calendar.truncated(week.data.items.length)}</span>
        ) : null}
      </th>
      {week.error ? (
        <td colSpan={7}>
          <Refusal error={week.error} onRetry={() => week.refetch()} />
        </td>
      ) : (
        daysOf(monday).map((day) => {
          const inspections = days.get(day) ?? [];
          return (
            <td key={day} className={day === today ? 'calendar-today' : undefined}>
              {inspections.length > 0 ? (
                <ol className="calendar-inspections">
                  {inspections.map((inspection) => (
                    <InspectionItem key={inspection.id} inspection={inspection} />
                  ))}
                </ol>
              ) : null}
            </td>
          );
        })
      )}
    </tr>
  );
}
