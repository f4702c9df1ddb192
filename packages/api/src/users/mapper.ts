import type { Role, UserDto } from '@takst/contract';

/**
 * A user as the read model returns it: no password hash, only whether there is one. Timestamps
 * are ISO strings.
 */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  active: boolean;
  roles: string[];
  appraiserId: string | null;
  hasPassword: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    active: row.active,
    roles: row.roles as Role[],
    appraiserId: row.appraiserId,
    hasPassword: row.hasPassword,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deactivatedAt: row.deactivatedAt,
  };
}
