import type { Inspection } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { todayInOslo } from '../ui/list-dates';
import { Refusal } from '../ui/list-refusal';
import { byDay, daysOf, dayTitle, weekInput } from './calendar-days';
import { InspectionItem } from './calendar-inspection';

/** One appraiser's week, Monday to Sunday, a column a day. */
export function AppraiserWeek({ appraiserId, name, monday }: { appraiserId: string; name: string; monday: string }) {
  const headingId = useId();
  const week = useQuery(trpc.inspections.list.queryOptions(weekInput(appraiserId, monday)));
  const today = todayInOslo();
  const days = byDay(week.data?.items ?? [], monday);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{text.calendar.weekOf(name)}</h2>
      {week.isPending ? <Loading /> : null}
      {week.error ? <Refusal error={week.error} onRetry={() => week.refetch()} /> : null}
      {week.data ? (
        <p className="muted" role="status">
          {text.calendar.count(week.data.items.length)}
          {week.data.nextCursor ? ` ${text.calendar.truncated(week.data.items.length)}` : ''}
        </p>
      ) : null}
      <div className="calendar-week">
        {daysOf(monday).map((day) => (
          <Day key={day} day={day} isToday={day === today} inspections={days.get(day) ?? []} />
        ))}
      </div>
    </section>
  );
}

function Day({ day, isToday, inspections }: { day: string; isToday: boolean; inspections: readonly Inspection[] }) {
  const headingId = useId();
  return (
    <section className={isToday ? 'calendar-day calendar-today' : 'calendar-day'} aria-labelledby={headingId}>
      <h3 id={headingId}>
        <time dateTime={day} aria-current={isToday ? 'date' : undefined}>
          {dayTitle(day)}
        </time>
        {isToday ? <span className="calendar-today-mark"> {text.calendar.today}</span> : null}
      </h3>
      {inspections.length > 0 ? (
        <ol className="calendar-inspections">
          {inspections.map((inspection) => (
            <InspectionItem key={inspection.id} inspection={inspection} />
          ))}
        </ol>
      ) : (
        <p className="muted small">{text.calendar.noInspections}</p>
      )}
    </section>
  );
}
