export {
  type Planly,
  type PlanlyBooking,
  type PlanlyEventType,
  type PlanlyHistoryEntry,
  type PlanlyOptions,
  type PlanlySlot,
  type PlanlyWebhookEvent,
  planlySignature,
  startPlanly,
} from './booking-a';
export { PLANLY_DEV_TOKEN } from './booking-a-cli';
export {
  type Kalendra,
  type KalendraAppointment,
  type KalendraChange,
  type KalendraChangedBy,
  type KalendraFeedChange,
  type KalendraFields,
  type KalendraOptions,
  kalendraApiKeyId,
  startKalendra,
} from './booking-b';
export { KALENDRA_DEV_KEY } from './booking-b-cli';
export {
  type Hjelpa,
  type HjelpaAccount,
  type HjelpaComment,
  type HjelpaCustomFields,
  type HjelpaDeliveryAttempt,
  type HjelpaEventType,
  type HjelpaOptions,
  type HjelpaRequester,
  type HjelpaTicket,
  type HjelpaTicketChanges,
  type HjelpaTicketStatus,
  type HjelpaWebhookEvent,
  hjelpaSignature,
  startHjelpa,
} from './support-desk';
export { HJELPA_DEV_ACCOUNT } from './support-desk-cli';
export type { DeliveryAttempt } from './webhook-sender';
