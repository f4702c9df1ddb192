import {
  createUserInput,
  endSessionsOutput,
  invitedUserSchema,
  listUsersInput,
  listUsersOutput,
  updateUserInput,
  userIdInput,
  userSchema,
} from '@takst/contract';
import { announced } from '../auth/announced';
import { ADMIN_ONLY } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toUserDto } from './mapper';
import {
  createUser,
  deactivateUser,
  endUserSessions,
  getUser,
  type InvitedUser,
  listUsers,
  sendSetPasswordLink,
  updateUser,
} from './service';

const invitation = ({ user, link }: InvitedUser) => ({
  user: toUserDto(user),
  setPasswordToken: link.token,
  setPasswordExpiresAt: link.expiresAt.toISOString(),
});

export const usersRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/users', status: 201 },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description:
        'Add a person with roles; the answer holds, only this once, a one-time link for them to set a password',
    })
    .input(createUserInput)
    .output(invitedUserSchema)
    .mutation(async ({ ctx, input }) => {
      const invited = await createUser(ctx, input);
      ctx.logger.info({ userId: invited.user.id, actor: ctx.actor.clientId }, 'user created');
      return invitation(invited);
    }),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/users/{id}' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'One user by id',
    })
    .input(userIdInput)
    .output(userSchema)
    .query(async ({ ctx, input }) => toUserDto(await getUser(ctx.em, input.id))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/users' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'Users newest first, keyset-paginated; filter by active or by a role',
    })
    .input(listUsersInput)
    .output(listUsersOutput)
    .query(async ({ ctx, input }) => {
      const page = await listUsers(ctx.em, input);
      return { items: page.items.map(toUserDto), nextCursor: page.nextCursor };
    }),

  update: procedure
    .meta({
      rest: { method: 'PATCH', path: '/users/{id}' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: "Change a user's email, name, roles or appraiser at the version you read",
    })
    .input(updateUserInput)
    .output(userSchema)
    .mutation(async ({ ctx, input }) => toUserDto(await updateUser(ctx, input))),

  deactivate: procedure
    .meta({
      rest: { method: 'POST', path: '/users/{id}/deactivate' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'Deactivate a user and end their sessions at once; idempotent',
    })
    .input(userIdInput)
    .output(userSchema)
    .mutation(async ({ ctx, input }) => {
      // Answered once every process has heard: the person's sessions are refused everywhere.
      const { user } = await announced(ctx, ctx.sessions, input.id, () => deactivateUser(ctx, input.id));
      ctx.logger.info({ userId: user.id, actor: ctx.actor.clientId }, 'user deactivated');
      return toUserDto(user);
    }),

  endSessions: procedure
    .meta({
      rest: { method: 'POST', path: '/users/{id}/end-sessions' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'End every open session of a user; says how many',
    })
    .input(userIdInput)
    .output(endSessionsOutput)
    .mutation(async ({ ctx, input }) => {
      const { ended } = await announced(ctx, ctx.sessions, input.id, () => endUserSessions(ctx, input.id));
      return { ended };
    }),

  sendSetPasswordLink: procedure
    .meta({
      rest: { method: 'POST', path: '/users/{id}/set-password-link' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description:
        'A new one-time set-password link for a user, shown only in this answer; earlier unused links stop working',
    })
    .input(userIdInput)
    .output(invitedUserSchema)
    .mutation(async ({ ctx, input }) => {
      const invited = await sendSetPasswordLink(ctx, input.id);
      ctx.logger.info({ userId: invited.user.id, actor: ctx.actor.clientId }, 'set-password link issued');
      return invitation(invited);
    }),
});
