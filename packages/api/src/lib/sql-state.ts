/** The SQLSTATE of an error PostgreSQL raised (as MikroORM and pg carry it in `code`), else ''. */
export const sqlStateOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : '';
};

/** Data exceptions (22…): a value PostgreSQL cannot store, such as text holding a NUL character. */
export const isBadValue = (state: string) => state.startsWith('22');

/** Integrity constraints (23…), and losing to a concurrent writer: serialization, deadlock, lock wait. */
export const isConflict = (state: string) => state.startsWith('23') || ['40001', '40P01', '55P03'].includes(state);
