import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/lib/cursor';
import { uuidv7 } from '../src/lib/uuid';

describe('uuidv7', () => {
  it('sets version 7 and the RFC 9562 variant, and carries the time', () => {
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    const id = uuidv7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(now);
  });

  it('is strictly increasing within one process, even within one millisecond', () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('cursors', () => {
  it('round-trip', () => {
    const keyset = { at: '2026-11-27T12:00:00.123Z', id: uuidv7() };
    expect(decodeCursor(encodeCursor(keyset))).toEqual(keyset);
  });

  it.each(['', 'garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
    'refuses %j with INVALID_CURSOR',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ errorCode: 'INVALID_CURSOR' }));
    },
  );
});
