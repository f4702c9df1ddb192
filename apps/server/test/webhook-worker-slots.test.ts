import type PgBoss from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { WorkerSlots } from '../src/webhooks/worker-slots';

/** The slots with a pg-boss stand-in that records which workers were notified. */
function slotsOf(ids: string[]) {
  const notified: string[] = [];
  const boss = { notifyWorker: (id: string) => notified.push(id) } as unknown as PgBoss;
  const slots = new WorkerSlots(boss);
  slots.add(ids);
  return { slots, notified };
}

describe('the webhook worker slots', () => {
  it('wake as many idle workers as jobs were queued, not all of them', () => {
    const { slots, notified } = slotsOf(['a', 'b', 'c', 'd']);
    slots.wake(1);
    expect(notified).toHaveLength(1);
    slots.wake(2);
    expect(notified).toHaveLength(3);
    expect(new Set(notified).size).toBe(3);
  });

  it('pass over workers that are sending, and wake no more than there are idle', () => {
    const { slots, notified } = slotsOf(['a', 'b', 'c']);
    slots.busy('a');
    slots.busy('c');
    slots.wake(3);
    expect(notified).toEqual(['b']);
    slots.idle('c');
    slots.wake(5);
    expect(notified.slice(1).sort()).toEqual(['b', 'c']);
  });

  it('take turns, so a worker woken a moment ago is not the next one woken', () => {
    const { slots, notified } = slotsOf(['a', 'b', 'c']);
    for (let i = 0; i < 6; i++) slots.wake(1);
    expect(notified).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('wake every worker when retries fall due', () => {
    const { slots, notified } = slotsOf(['a', 'b', 'c']);
    slots.busy('b');
    slots.wakeAll();
    expect(notified).toEqual(['a', 'b', 'c']);
  });
});
