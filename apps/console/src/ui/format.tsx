import type { AssignmentStatus } from '@takst/sdk';
import { text } from '../text';

/** The firm works in Norway: dates and times as a Norwegian reads them, in Oslo time. */
const TIME_ZONE = 'Europe/Oslo';
const dateFormat = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeZone: TIME_ZONE });
const dateTimeFormat = new Intl.DateTimeFormat('nb-NO', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: TIME_ZONE,
});
const timeFormat = new Intl.DateTimeFormat('nb-NO', { timeStyle: 'short', timeZone: TIME_ZONE });
const kroner = new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK', maximumFractionDigits: 0 });

/** `2026-12-24` or an ISO timestamp, as `24. des. 2026`; a dash for nothing. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return text.common.none;
  // A plain date is a day in Norway, not midnight UTC.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return dateFormat.format(date);
}

export const formatDateTime = (value: string | null | undefined): string =>
  value ? dateTimeFormat.format(new Date(value)) : text.common.none;

export const formatTime = (value: string): string => timeFormat.format(new Date(value));

/** Money travels in øre (whole numbers); people read kroner. */
export const formatKroner = (ore: number | null | undefined): string =>
  ore === null || ore === undefined ? text.common.none : kroner.format(ore / 100);

/** Kroner as typed (`1 250 000` or `1250000,50`) to øre; null when it is not a number. */
export function parseKroner(typed: string): number | null {
  const normalised = typed.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (normalised === '' || !/^\d+(\.\d{1,2})?$/.test(normalised)) return null;
  return Math.round(Number(normalised) * 100);
}

export function StatusBadge({ status }: { status: AssignmentStatus }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {text.status[status]}
    </span>
  );
}

/** The UTC offset Oslo has on a day and time, e.g. `+01:00` in winter and `+02:00` in summer. */
function osloOffset(date: string, time: string): string {
  const guess = new Date(`${date}T${time}:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' })
    .formatToParts(guess)
    .find((part) => part.type === 'timeZoneName')?.value;
  const offset = name?.replace('GMT', '') ?? '';
  return offset === '' ? '+00:00' : offset;
}

/** A date and a clock time as typed in Norway (`2026-12-07`, `09:30`), as an ISO timestamp. */
export const osloTimestamp = (date: string, time: string): string => `${date}T${time}:00${osloOffset(date, time)}`;
