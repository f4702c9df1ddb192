/**
 * Where a test may kill the connector on purpose: with `BOOKING_SYNC_CRASH_AT=<name>` the process
 * dies by SIGKILL when it reaches that point, as a power cut would, with no cleanup. The
 * restart tests use it to stop the connector between creating a booking in the tool and
 * linking it in the platform.
 */
export type CrashPoint = 'after-tool-create';

export function crashPoint(name: CrashPoint): void {
  if (process.env.BOOKING_SYNC_CRASH_AT !== name) return;
  process.stdout.write(`${JSON.stringify({ level: 'warn', action: 'crashing on purpose', crashPoint: name })}\n`);
  process.kill(process.pid, 'SIGKILL');
}
