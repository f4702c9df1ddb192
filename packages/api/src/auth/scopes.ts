import type { Scope } from '@takst/contract/enums';

/**
 * What a procedure any authenticated caller may use declares (`me.get`): a working key is all it
 * asks. Not a scope a key can be given (it is not in SCOPES).
 */
export const AUTHENTICATED = 'authenticated';

/** What a procedure's meta names: a scope, or `AUTHENTICATED`. */
export type RequiredScope = Scope | typeof AUTHENTICATED;

export function hasScope(granted: readonly string[], required: RequiredScope): boolean {
  return required === AUTHENTICATED || granted.includes('admin') || granted.includes(required);
}
