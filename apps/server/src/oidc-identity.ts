import { DomainError } from '@takst/api';
import type { Role } from '@takst/contract';
import type { OidcSettings } from './oidc-settings';

/** Who the ID token says the person is, once the email passed the checks. */
export interface OidcIdentity {
  email: string;
  name: string | null;
  /** The platform roles the roles claim maps to (for a person signing in for the first time). */
  roles: Role[];
}

const emailNotAllowed = (reason: string) => new DomainError('FORBIDDEN', 'OIDC_EMAIL_NOT_ALLOWED', reason);

/** `roles: ["A", "B"]` or `roles: "A"`; anything else names no roles. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

/**
 * The person in a checked ID token: the email must be there, not marked unverified, and in an
 * allowed domain; else OIDC_EMAIL_NOT_ALLOWED. A token without `email_verified` passes: Entra ID
 * never sends it, and its single-tenant issuer with the firm's own domains stands in for it.
 */
export function identityOf(claims: Record<string, unknown>, settings: OidcSettings): OidcIdentity {
  const email = typeof claims.email === 'string' ? claims.email.trim() : '';
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) throw emailNotAllowed('The ID token has no email');
  // Some providers send the flag as a string.
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw emailNotAllowed('The identity provider has not verified the email');
  }
  const domain = email.slice(at + 1).toLowerCase();
  if (!settings.allowedDomains.includes(domain)) {
    throw emailNotAllowed(`Email domain ${domain} is not allowed to sign in`);
  }
  const roles = new Set<Role>();
  for (const value of claimValues(claims[settings.rolesClaim])) {
    for (const role of settings.roleMap.get(value) ?? []) roles.add(role);
  }
  return { email, name: typeof claims.name === 'string' ? claims.name : null, roles: [...roles] };
}
