import { SCOPES } from '@takst/contract/enums';
import { DomainError } from '../errors';
import type { Actor, Platform } from '../platform';
import { hasScope } from './scopes';
import { scopesOfRoles } from './session-cache';

const ACTING_SCOPE = 'users:act_for';

const refused = (message: string) => new DomainError('FORBIDDEN', 'ACTING_FOR_REFUSED', message);

/** Every scope a list grants, with `admin` spelled out. */
const expanded = (scopes: readonly string[]): readonly string[] => (scopes.includes('admin') ? SCOPES : scopes);

interface PersonRow {
  id: string;
  name: string;
  roles: string[];
  appraiserId: string | null;
}

/**
 * An API client acting for a person (a booking tool moving an appraiser's inspection, the console
 * of another team): both are named in history, and the call holds only what both may do — the
 * scopes the key and the person's roles have in common, and the person's role rules. A key needs
 * `users:act_for` to name anyone; an unknown or inactive person is refused alike.
 */
export async function actingFor(platform: Platform, client: Actor, userId: string): Promise<Actor> {
  if (!hasScope(client.scopes, ACTING_SCOPE)) {
    throw refused(`This API key lacks the scope '${ACTING_SCOPE}' that X-Takst-Acting-For needs`);
  }
  const rows = /^[0-9a-f-]{36}$/i.test(userId)
    ? await platform.orm.em
        .getConnection()
        .execute<PersonRow[]>(
          'select id, name, roles, appraiser_id as "appraiserId" from users where id = ? and active',
          [userId],
        )
    : [];
  const person = rows[0];
  if (!person) throw refused('X-Takst-Acting-For names no active user');
  const personScopes = expanded(scopesOfRoles(person.roles));
  return {
    ...client,
    scopes: expanded(client.scopes).filter((scope) => personScopes.includes(scope)),
    user: { id: person.id, name: person.name, roles: person.roles, appraiserId: person.appraiserId },
  };
}
