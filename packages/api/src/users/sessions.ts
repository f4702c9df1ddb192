import type { EntityManager } from '@takst/db';
import { sql } from '../bulk/sql';

/** Why a session ended early, as `sessions.ended_reason` keeps it. */
export type SessionEndReason = 'user_deactivated' | 'ended_by_admin' | 'password_set' | 'signed_out';

/**
 * Ends every open session of the user in `tx`'s transaction and says how many there were. A
 * trigger on sessions tells every server process at commit (`takst_users`), so none keeps
 * trusting a cached one.
 */
export async function endOpenSessions(
  tx: EntityManager,
  userId: string,
  reason: SessionEndReason,
  at: Date,
): Promise<number> {
  const ended = await sql<{ id: string }>(
    tx,
    'update sessions set ended_at = ?, ended_reason = ? where user_id = ? and ended_at is null returning id',
    [at.toISOString(), reason, userId],
  );
  return ended.length;
}
