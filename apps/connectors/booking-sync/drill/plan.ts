// What the drill does to each assignment, decided up front from a seeded random generator, so
// a run can be repeated exactly (`--seed`). Every assignment gets its own day, so no two
// inspections of one appraiser ever overlap, whatever is moved.
import type { Slot } from '../src/slots';

export type PhaseASide = 'a' | 'platform';
export type PhaseBSide = 'b' | 'platform';

export interface PlannedAssignment {
  index: number;
  /** Confirmed in the platform before anything is booked. */
  confirmFirst: boolean;
  /** Where it is booked in phase A; null: left for a new booking in phase B. */
  bookInA: PhaseASide | null;
  /** Put on hold in the platform after the booking, then taken off hold. */
  holdAndResume: boolean;
  notes: number;
  /** The side of each move in phase A, in order. */
  movesA: PhaseASide[];
  /** How phase A ends for it. */
  endA: { kind: 'cancel'; side: PhaseASide } | { kind: 'complete' } | null;
  /** Where a left-over assignment is booked in phase B. */
  bookInB: PhaseBSide | null;
  movesB: PhaseBSide[];
  cancelB: PhaseBSide | null;
}

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planDrill(n: number, seed: number): PlannedAssignment[] {
  const random = generator(seed);
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const chance = (p: number) => random() < p;
  return Array.from({ length: n }, (_, index) => {
    const leftForB = chance(0.1);
    const bookInA: PhaseASide | null = leftForB ? null : pick(['a', 'platform'] as const);
    const moveCount = leftForB ? 0 : pick([0, 1, 1, 2, 2, 3] as const);
    const movesA = Array.from({ length: moveCount }, () => pick(['a', 'platform'] as const));
    const ending = random();
    const endA: PlannedAssignment['endA'] = leftForB
      ? null
      : ending < 0.12
        ? { kind: 'cancel', side: pick(['a', 'platform'] as const) }
        : ending < 0.18
          ? { kind: 'complete' }
          : null;
    const openAfterA = !leftForB && endA === null;
    const bookable = leftForB || openAfterA;
    return {
      index,
      confirmFirst: chance(0.15),
      bookInA,
      holdAndResume: !leftForB && chance(0.1),
      notes: chance(0.3) ? pick([1, 2] as const) : 0,
      movesA,
      endA,
      bookInB: leftForB ? pick(['b', 'platform'] as const) : null,
      movesB:
        bookable && chance(0.4)
          ? Array.from({ length: pick([1, 2] as const) }, () => pick(['b', 'platform'] as const))
          : [],
      cancelB: bookable && chance(0.1) ? pick(['b', 'platform'] as const) : null,
    };
  });
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2031, 0, 6);

/**
 * The `variant`-th time of assignment `index`: its own day, 07:00 UTC plus `variant` hours, one
 * hour long (08:00–15:00 in Oslo, far from any change of clocks).
 */
export function slotOf(index: number, variant: number): Slot {
  const start = FIRST_DAY + index * DAY_MS + (7 + variant) * 3_600_000;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3_600_000).toISOString() };
}
