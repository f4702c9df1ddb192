/** Redeliver and recover NOTIFY this channel when they commit; the dispatchers LISTEN to it. */
export const REQUEUE_CHANNEL = 'takst_webhook_requeue';
