/**
 * Crash tests name a point in the code where the process must die at once, as it would on
 * SIGKILL or a lost machine: `TAKST_FAILPOINT=<name>`. Read once at start-up; unset, a failpoint
 * costs one comparison. Names in use are listed in docs/reliability.md.
 */
const armed = process.env.TAKST_FAILPOINT ?? '';

export function failpoint(name: string): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
