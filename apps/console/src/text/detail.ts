/** The words of the detail pages (see common.ts for the firm's words used everywhere). */
export const detailText = {} as const;
