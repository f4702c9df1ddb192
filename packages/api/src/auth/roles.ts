import type { Role } from '@takst/contract/enums';

/** Every role: what any of the firm's people may read and do. */
export const EVERYONE: readonly Role[] = ['appraiser', 'reviewer', 'support', 'admin'];

/** The office: orders, customers, links to other systems (support, and admin, who may do all they do). */
export const OFFICE: readonly Role[] = ['support', 'admin'];

/** Users, API clients, webhooks and the appraiser register. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];

/** In the field: an appraiser on their own assignments, and the office on any. */
export const FIELD_AND_OFFICE: readonly Role[] = ['appraiser', 'support', 'admin'];

/** Report content is written by the appraiser of the assignment and no one else. */
export const REPORT_AUTHORS: readonly Role[] = ['appraiser'];

/** Approving, sending back and delivering a revision: a reviewer (fagansvarlig), never the author. */
export const REVIEWERS: readonly Role[] = ['reviewer'];
