// Times of an inspection or a booking, and how two histories of times stand to each other.

export interface Slot {
  startsAt: string;
  endsAt: string;
}

/** The same slot when both ends fall in the same `precisionMs` (1 for exact, 60 000 for whole minutes). */
export function sameSlot(a: Slot, b: Slot, precisionMs: number): boolean {
  const at = (instant: string) => Math.floor(Date.parse(instant) / precisionMs);
  return at(a.startsAt) === at(b.startsAt) && at(a.endsAt) === at(b.endsAt);
}

export function describeSlot(slot: Slot): string {
  return `${slot.startsAt}/${slot.endsAt}`;
}

/**
 * How `target`'s times (oldest first, the current one last) stand against `source`'s:
 * - `same`: the same times in the same order;
 * - `behind`: target's times are the start of source's; `missing` are the moves to make, in order;
 * - `ahead`: source's times are the start of target's (target has moves source has not seen);
 * - `diverged`: each has moves the other has not (both sides moved it since they last agreed).
 */
export type Alignment =
  | { kind: 'same' }
  | { kind: 'behind'; missing: Slot[] }
  | { kind: 'ahead' }
  | { kind: 'diverged'; agreed: number };

export function align(source: readonly Slot[], target: readonly Slot[], precisionMs: number): Alignment {
  let agreed = 0;
  while (
    agreed < source.length &&
    agreed < target.length &&
    sameSlot(source[agreed] as Slot, target[agreed] as Slot, precisionMs)
  ) {
    agreed += 1;
  }
  if (agreed === source.length && agreed === target.length) return { kind: 'same' };
  if (agreed === target.length) return { kind: 'behind', missing: source.slice(agreed) };
  if (agreed === source.length) return { kind: 'ahead' };
  return { kind: 'diverged', agreed };
}
