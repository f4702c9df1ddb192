import { EXIT } from './cli/exit-codes';
import { main } from './main';

const interrupt = new AbortController();
let signals = 0;
const onSignal = () => {
  signals++;
  // The first signal stops cleanly; a second one means now (any import state is already saved).
  if (signals > 1) process.exit(EXIT.interrupted);
  process.stderr.write('\nStopping (Ctrl-C again to quit at once)\n');
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A closed pipe (takst ... | head) is the reader having seen enough, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: interrupt.signal,
  now: () => Date.now(),
});
process.exitCode = code;
// Open handles (a keep-alive socket, an event stream) must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
