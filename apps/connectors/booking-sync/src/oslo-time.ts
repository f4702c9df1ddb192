// Kalendra speaks local wall-clock time in Europe/Oslo; the platform speaks instants. These turn
// one into the other with the zone rules of the runtime's ICU data (CET/CEST).

const ZONE = 'Europe/Oslo';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wallClockOf(ms: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
} {
  const values = Object.fromEntries(parts.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return {
    year: Number(values.year),
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour),
    minute: Number(values.minute),
    second: Number(values.second),
  };
}

/** Minutes Oslo is ahead of UTC at that instant (60 in winter, 120 in summer). */
function offsetMinutesAt(ms: number): number {
  const wall = wallClockOf(ms);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The local date (`YYYY-MM-DD`) and time (`HH:mm`) in Oslo of an instant; seconds are dropped. */
export function toOsloLocal(instant: string): { date: string; time: string } {
  const wall = wallClockOf(Date.parse(instant));
  return { date: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`, time: `${pad(wall.hour)}:${pad(wall.minute)}` };
}

/**
 * The instant (ISO, UTC) of a local date and time in Oslo. A time that does not exist (the hour
 * skipped in spring) is read with the offset from before the change, i.e. one hour later on the
 * clock; a time that happens twice (autumn) is the first of the two.
 */
export function fromOsloLocal(date: string, time: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetMinutesAt(asUtc - 3 * 60 * 60 * 1000);
  const candidate = asUtc - before * 60_000;
  const after = offsetMinutesAt(candidate);
  const instant = after === before ? candidate : asUtc - after * 60_000;
  // The skipped hour: neither offset gives the wall clock asked for; keep the earlier offset.
  const check = toOsloLocal(new Date(instant).toISOString());
  return new Date(check.date === date && check.time === time ? instant : candidate).toISOString();
}
