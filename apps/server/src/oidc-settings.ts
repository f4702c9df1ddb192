import { ROLES, type Role } from '@takst/contract';
import { z } from 'zod';
import type { Config } from './config';

/** Single sign-on with OpenID Connect, as configured; null (in `oidcSettingsOf`) when it is off. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Lower-case email domains whose people may sign in. */
  allowedDomains: readonly string[];
  /** The ID token claim that lists the person's roles at the provider. */
  rolesClaim: string;
  /** A value of the roles claim → the platform roles it gives a person created at first sign-in. */
  roleMap: ReadonlyMap<string, readonly Role[]>;
  /** Where the provider sends the browser back; null: this server's own, as the browser reached it. */
  redirectUrl: string | null;
  /** The provider's name on the sign-in button. */
  name: string;
  /** Plain http, allowed for a provider on this machine only. */
  insecure: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Roles sign-in may give. An appraiser needs a link to their appraiser record, which an admin makes. */
const MAPPABLE_ROLES = ROLES.filter((role) => role !== 'appraiser');

const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const listItems = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** `firm.no, Firm.com` → `['firm.no', 'firm.com']`. */
export function parseEmailDomains(text: string): string[] {
  const domains = listItems(text).map((item) => item.replace(/^@/, '').toLowerCase());
  if (domains.length === 0) throw new Error('must name at least one email domain, like firm.no');
  const bad = domains.find((domain) => !DOMAIN.test(domain));
  if (bad !== undefined) throw new Error(`'${bad}' is not an email domain like firm.no`);
  return domains;
}

/** `Takst.Reviewers=reviewer,Takst.Support=support` → claim value → roles (a value may repeat). */
export function parseRoleMap(text: string): Map<string, Role[]> {
  const map = new Map<string, Role[]>();
  for (const item of listItems(text)) {
    const at = item.lastIndexOf('=');
    const value = item.slice(0, at).trim();
    const role = item.slice(at + 1).trim();
    if (at < 0 || value === '') throw new Error(`'${item}' is not claim-value=role`);
    if (role === 'appraiser') {
      throw new Error(`'${item}': the appraiser role needs a link to an appraiser record, which an admin makes`);
    }
    if (!(MAPPABLE_ROLES as string[]).includes(role)) {
      throw new Error(`'${item}': the role must be one of ${MAPPABLE_ROLES.join(', ')}`);
    }
    const roles = map.get(value) ?? [];
    if (!roles.includes(role as Role)) roles.push(role as Role);
    map.set(value, roles);
  }
  return map;
}

/** A zod transform that turns what `parse` throws into an issue on the variable. */
export const parsedBy =
  <T>(parse: (text: string) => T) =>
  (text: string, ctx: z.RefinementCtx<string>): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
      return z.NEVER;
    }
  };

const NEEDED_WITH_ISSUER = ['TAKST_OIDC_CLIENT_ID', 'TAKST_OIDC_CLIENT_SECRET', 'TAKST_OIDC_ALLOWED_DOMAINS'] as const;
const MEANINGLESS_WITHOUT_ISSUER = [...NEEDED_WITH_ISSUER, 'TAKST_OIDC_ROLE_MAP', 'TAKST_OIDC_REDIRECT_URL'] as const;

/** What the check looks at; not Config's type, which is made from the schema that runs the check. */
type OidcVariables = { TAKST_OIDC_ISSUER?: string | undefined } & {
  [name in (typeof MEANINGLESS_WITHOUT_ISSUER)[number]]?: unknown;
};

/**
 * All or nothing: with an issuer, the client and the allowed domains must be set too; without
 * one, setting them is a mistake worth stopping for. The issuer must be https unless it runs on
 * this machine (tests, local development).
 */
export function checkOidcVariables(env: OidcVariables, ctx: z.RefinementCtx): void {
  if (env.TAKST_OIDC_ISSUER === undefined) {
    const stray = MEANINGLESS_WITHOUT_ISSUER.filter((name) => env[name] !== undefined);
    if (stray.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['TAKST_OIDC_ISSUER'],
        message: `must be set when ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} (single sign-on is off without it)`,
      });
    }
    return;
  }
  for (const name of NEEDED_WITH_ISSUER) {
    if (env[name] === undefined) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be set when TAKST_OIDC_ISSUER is' });
    }
  }
  const issuer = new URL(env.TAKST_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !LOOPBACK_HOSTS.has(issuer.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['TAKST_OIDC_ISSUER'],
      message: 'must be an https:// URL (plain http only for 127.0.0.1, localhost or [::1])',
    });
  }
}

/** The single sign-on settings, or null when it is off (no TAKST_OIDC_ISSUER). */
export function oidcSettingsOf(config: Config): OidcSettings | null {
  const issuer = config.TAKST_OIDC_ISSUER;
  const clientId = config.TAKST_OIDC_CLIENT_ID;
  const clientSecret = config.TAKST_OIDC_CLIENT_SECRET;
  const allowedDomains = config.TAKST_OIDC_ALLOWED_DOMAINS;
  // loadConfig has refused an issuer without the rest; this only narrows the types.
  if (!issuer || !clientId || !clientSecret || !allowedDomains) return null;
  const issuerUrl = new URL(issuer);
  return {
    issuer: issuerUrl,
    clientId,
    clientSecret,
    allowedDomains,
    rolesClaim: config.TAKST_OIDC_ROLES_CLAIM,
    roleMap: config.TAKST_OIDC_ROLE_MAP ?? new Map(),
    redirectUrl: config.TAKST_OIDC_REDIRECT_URL ?? null,
    name: config.TAKST_OIDC_NAME,
    insecure: issuerUrl.protocol === 'http:',
  };
}
