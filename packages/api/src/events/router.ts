import { eventPageSchema, eventSchema, listEventsInput, subscribeEventsInput } from '@takst/contract';
import { parseBearer } from '../auth/api-keys';
import { watchCaller } from '../auth/key-watch';
import { EVERYONE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { eventFeedOf } from './feed';
import { listEvents } from './read-model';
import { streamEvents } from './stream';
import { trackedStreamOf } from './tracked-stream';

export const eventsRouter = router({
  list: procedure
    .meta({
      rest: { method: 'GET', path: '/events' },
      scope: 'events:read',
      roles: EVERYONE,
      description: 'Events in sequence order after a sequence, for pull-based sync',
    })
    .input(listEventsInput)
    .output(eventPageSchema)
    .query(({ ctx, input }) => listEvents(ctx.em, input)),

  subscribe: procedure
    .meta({
      rest: { method: 'GET', path: '/events/stream' },
      scope: 'events:read',
      roles: EVERYONE,
      description: 'Live events over server-sent events; replays from `after`, resumes from the last event id',
    })
    .input(subscribeEventsInput)
    .output(trackedStreamOf(eventSchema))
    .subscription(({ ctx, input, signal }) =>
      streamEvents({
        em: ctx.em,
        feed: eventFeedOf(ctx.em.config, ctx.logger),
        input,
        signal,
        watchKey: () =>
          watchCaller({ apiKeys: ctx.apiKeys, sessions: ctx.sessions }, ctx.actor, {
            key: parseBearer(ctx.authorization),
            sessionToken: ctx.sessionToken,
          }),
      }),
    ),
});
