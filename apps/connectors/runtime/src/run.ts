import { errorFields, type Log } from './log';

export interface RunningService {
  /** Settles once the service has started (rejects when it cannot). */
  ready: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Keeps a started connector running until SIGTERM or SIGINT, then stops it and exits 0 (1 when
 * it did not stop cleanly); exits 1 when it fails to start.
 */
export function runUntilSignalled(name: string, service: RunningService, log: Log): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${name} stopping`, { signal });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`${name} did not stop cleanly`, errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  service.ready.catch((error: unknown) => {
    log.error(`${name} failed to start`, errorFields(error));
    process.exit(1);
  });
}

/** The end of `main`: an error that escaped it is printed, and the process exits 1. */
export function exitOnFailure(error: unknown): never {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
