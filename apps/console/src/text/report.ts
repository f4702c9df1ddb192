/** The words of the report pages (see common.ts for the firm's words used everywhere). */
export const reportText = {} as const;
