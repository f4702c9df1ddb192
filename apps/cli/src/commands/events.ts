import type { TakstEvent } from '@takst/sdk';
import type { Command } from '../cli/command';
import { EXIT, type ExitCode } from '../cli/exit-codes';

function eventLine(event: TakstEvent): string {
  const reason = event.reason ? `  "${event.reason}"` : '';
  return `#${event.sequence}  ${event.occurredAt}  ${event.type}  ${event.entityType} ${event.entityId}  by ${event.actor.name}${reason}`;
}

export const eventsTail: Command = {
  name: 'events tail',
  summary: 'follow the platform’s events live',
  help: `Usage: takst events tail [--after <sequence>] [--types <type,...>]

Prints events as they happen, until Ctrl-C (exit 130). With --after, the events after that
sequence are printed first, then live ones: pass the last sequence you saw to continue without
a gap. The connection is re-established by itself when it drops. With --json, one event per
line (NDJSON), each with its "sequence".

Options:
  --after <sequence>       replay from after this event (0: the whole log)
  --types <type,...>       only these types, e.g. assignment.created,assignment.status_changed`,
  options: { after: { type: 'string' }, types: { type: 'string', multiple: true } },
  async run(context) {
    const { options, io } = context;
    if (context.positionals.length > 0) options.fail(`Unexpected argument "${context.positionals[0]}"`);
    const after = options.int('after', 0, Number.MAX_SAFE_INTEGER);
    const types = options.list('types');
    const client = context.client();
    return new Promise<ExitCode>((resolve, reject) => {
      const subscription = client.events.subscribe.subscribe(
        { ...(after !== undefined ? { after } : {}), ...(types ? { types } : {}) },
        {
          onData: ({ data: event }) => {
            io.stdout.write(`${context.json ? JSON.stringify(event) : eventLine(event)}\n`);
          },
          onError: (error) => {
            subscription.unsubscribe();
            reject(error);
          },
          onConnectionStateChange: (state) => {
            if (state.state === 'connecting' && state.error) {
              io.stderr.write(`Connection lost (${state.error.message}); reconnecting\n`);
            }
          },
        },
      );
      const stop = () => {
        subscription.unsubscribe();
        resolve(EXIT.interrupted);
      };
      if (io.interrupt.aborted) stop();
      else io.interrupt.addEventListener('abort', stop, { once: true });
    });
  },
};
