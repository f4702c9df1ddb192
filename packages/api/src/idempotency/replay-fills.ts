import { type ReplayContext, withCurrentWebhookSecret } from '../webhooks/secret-replay';

/**
 * How a replay completes an answer that was kept without a part of it (a secret), by name: the
 * name is stored with the record (`idempotency_keys.replay_fill`), so any process can replay it.
 */
const REPLAY_FILLS = {
  /** `{ endpoint }` → `{ endpoint, secret }` with the endpoint's current signing secret. */
  webhook_secret: withCurrentWebhookSecret,
} satisfies Record<string, (kept: unknown, context: ReplayContext) => Promise<unknown>>;

export type ReplayFillName = keyof typeof REPLAY_FILLS;
export type { ReplayContext };

export function fillReplay(name: string, kept: unknown, context: ReplayContext): Promise<unknown> {
  if (!Object.hasOwn(REPLAY_FILLS, name))
    throw new Error(`An idempotency record names an unknown replay fill: ${name}`);
  return REPLAY_FILLS[name as ReplayFillName](kept, context);
}
