/** The scale-out scenario's report: its figures, the five checks with PASS or FAIL, as Markdown. */
import type { DeliveryCheck, EventLogCheck, FollowerCheck, WriteCheck } from './scale-out-checks';
import type { LoadFigures } from './scale-out-load';
import type { RateLimitFigures, RevocationFigures } from './scale-out-probes';

/** Accepted calls may exceed burst + rate × time by this much: each server takes tokens a little ahead. */
export const RATE_LIMIT_TOLERANCE = 1.1;

export interface ScaleOutReport {
  setting: {
    loadSeconds: number;
    writers: number;
    readers: number;
    followers: number;
    webhookTimeoutMs: number;
    webhookConcurrency: number;
  };
  durationMs: number;
  /** From the start of the load. */
  killedAtMs: number;
  killed: string[];
  writes: WriteCheck;
  answers: Record<string, number>;
  replays: LoadFigures['replays'];
  reads: { ok: number; missing: number; other: Record<string, number> };
  eventLog: EventLogCheck;
  deliveries: DeliveryCheck & {
    /** From the kill until every expected delivery had arrived at its receiver. */
    allArrivedAfterKillMs: number | null;
    /** From the kill until the database showed every delivery succeeded (what the killed worker held, lapsed and redone). */
    allSucceededAfterKillMs: number | null;
    /** pg-boss jobs run more than once (the killed worker's, once their lease lapsed). */
    jobsRunAgain: number | null;
    attemptsLogged: Record<string, number>;
  };
  followers: FollowerCheck;
  revocation: RevocationFigures;
  rateLimit: RateLimitFigures;
  /** Error-level lines (and lines that are not JSON) each process wrote. */
  processErrors: { name: string; count: number; lines: string[] }[];
}

export interface CheckResult {
  check: string;
  figures: string;
  held: boolean;
}

const n = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export function scaleOutChecks(report: ScaleOutReport): CheckResult[] {
  const { writes, replays, reads, eventLog, deliveries, followers, revocation, rateLimit } = report;
  return [
    {
      check: 'zero acknowledged writes lost',
      figures:
        `${n(writes.acknowledged)} acknowledged (${n(writes.acknowledgedByKilledServer)} by the killed server), ` +
        `${writes.lost} lost, ${writes.duplicated} done twice, ${writes.wrongAnswer} answered with another row; ` +
        `${n(writes.retriedWrites)} retried under their key on the other server, ${replays.same}/${replays.sent} ` +
        `replays answered the same; ${reads.missing} reads of an acknowledged write not found; ` +
        `${writes.refused} refused, ${writes.gaveUp} given up, ${writes.fiveXx} 5xx; ` +
        `${eventLog.creationEventsMissing} creation events missing, ${eventLog.gaps} gaps in the event log`,
      held:
        writes.lost === 0 &&
        writes.duplicated === 0 &&
        writes.wrongAnswer === 0 &&
        writes.refused === 0 &&
        writes.gaveUp === 0 &&
        writes.fiveXx === 0 &&
        replays.different.length === 0 &&
        reads.missing === 0 &&
        eventLog.creationEventsMissing === 0 &&
        eventLog.creationEventsDuplicated === 0 &&
        eventLog.gaps === 0,
    },
    {
      check: 'every event delivered at least once per matching endpoint, never twice at once',
      figures:
        `${n(deliveries.expected)} expected to ${deliveries.endpoints} endpoints, ${deliveries.missing} missing, ` +
        `${deliveries.overlapping} overlapping, ${deliveries.duplicates} duplicates (allowed), ` +
        `${deliveries.badSignatures} bad signatures, ${deliveries.stray} stray; all arrived ` +
        `${seconds(deliveries.allArrivedAfterKillMs)} and all recorded succeeded ` +
        `${seconds(deliveries.allSucceededAfterKillMs)} after the kill`,
      held:
        deliveries.missing === 0 &&
        deliveries.allSucceededAfterKillMs !== null &&
        deliveries.overlapping === 0 &&
        deliveries.badSignatures === 0 &&
        deliveries.stray === 0,
    },
    {
      check: 'SSE followers resume on the other server without gap or duplicate',
      figures:
        `${followers.followers} followers × ${n(followers.logEvents)} events: ${followers.gaps} gaps, ` +
        `${followers.duplicates} duplicates, ${followers.outOfOrder} out of order, ${followers.unknown} unknown; ` +
        `${followers.movedToOtherServer}/${followers.onKilledServer} on the killed server moved to the other, ` +
        `${followers.reconnects} reconnects`,
      held:
        followers.gaps === 0 &&
        followers.duplicates === 0 &&
        followers.outOfOrder === 0 &&
        followers.unknown === 0 &&
        followers.logEvents > 0 &&
        followers.movedToOtherServer === followers.onKilledServer,
    },
    {
      check: 'a key revoked on one server is refused by the other at once',
      figures: `${revocation.refusedAtOnce}/${revocation.rounds} refused (401) on the first call; the key had worked there ${revocation.workedBefore}/${revocation.rounds}`,
      held: revocation.rounds > 0 && revocation.refusedAtOnce === revocation.rounds,
    },
    {
      check: 'the rate limit holds across both servers',
      figures:
        `${n(rateLimit.accepted)} accepted, ${n(rateLimit.refused)} refused (429) in ${rateLimit.seconds.toFixed(1)} s ` +
        `at ${rateLimit.perSecond}/s, burst ${rateLimit.burst}: allowance ${n(Math.floor(rateLimit.allowance))}, ` +
        `ratio ${rateLimit.ratio.toFixed(2)}`,
      held: rateLimit.refused > 0 && rateLimit.other === 0 && rateLimit.ratio <= RATE_LIMIT_TOLERANCE,
    },
  ];
}

export function scaleOutHeld(report: ScaleOutReport): boolean {
  return scaleOutChecks(report).every((result) => result.held);
}

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The report as Markdown: the checks, then the counts behind them. */
export function formatScaleOutReport(report: ScaleOutReport): string {
  const { writes, replays, reads, eventLog, deliveries, followers, revocation, rateLimit } = report;
  const checks = [
    '| check | figures | result |',
    '| --- | --- | --- |',
    ...scaleOutChecks(report).map((r) => `| ${r.check} | ${r.figures} | ${r.held ? 'PASS' : '**FAIL**'} |`),
  ].join('\n');
  const counts = table(
    ['measure', 'value'],
    [
      ['duration (set-up to last check)', seconds(report.durationMs)],
      ['SIGKILL after the load began', `${seconds(report.killedAtMs)}: ${report.killed.join(', ')}`],
      ['writes attempted / acknowledged', `${n(writes.attempted)} / ${n(writes.acknowledged)}`],
      [
        'acknowledged by the killed server / of those lost',
        `${n(writes.acknowledgedByKilledServer)} / ${writes.lostOfKilledServer}`,
      ],
      ['**acknowledged writes lost**', writes.lost],
      ['writes done twice', writes.duplicated],
      ['writes retried under their key / extra attempts', `${n(writes.retriedWrites)} / ${n(writes.retries)}`],
      [
        'replays to the other server: sent / same answer / unanswered',
        `${replays.sent} / ${replays.same} / ${replays.unanswered}`,
      ],
      ...Object.entries(report.answers)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, count]): [string, string] => [`write answers: ${status}`, n(count)]),
      ['reads: found / acknowledged but not found', `${n(reads.ok)} / ${reads.missing}`],
      ...Object.entries(reads.other).map(([status, count]): [string, string] => [`reads: ${status}`, n(count)]),
      ['events in the log / gaps', `${n(eventLog.total)} / ${eventLog.gaps}`],
      ['webhook deliveries expected / arrived (requests)', `${n(deliveries.expected)} / ${n(deliveries.arrivals)}`],
      ['**deliveries missing**', deliveries.missing],
      ['**deliveries overlapping (two at once)**', deliveries.overlapping],
      ['deliveries duplicated (after the crash)', deliveries.duplicates],
      ...Object.entries(deliveries.attemptsLogged).map(([name, count]): [string, string] => [
        `attempts logged by ${name}`,
        n(count),
      ]),
      [
        'after the kill: all deliveries arrived / all recorded succeeded',
        `${seconds(deliveries.allArrivedAfterKillMs)} / ${seconds(deliveries.allSucceededAfterKillMs)}`,
      ],
      ['delivery jobs pg-boss ran again (expired after the kill, or failed)', deliveries.jobsRunAgain ?? 'unknown'],
      ['SSE: events each follower was to see', n(followers.logEvents)],
      [
        '**SSE: gaps / duplicates / out of order**',
        `${followers.gaps} / ${followers.duplicates} / ${followers.outOfOrder}`,
      ],
      ['SSE: reconnects', followers.reconnects],
      ...followers.perFollower.map((f): [string, string] => [`SSE ${f.name}`, `${n(f.seen)} events via ${f.servedBy}`]),
      ['revocations refused at once on the other server', `${revocation.refusedAtOnce} / ${revocation.rounds}`],
      [
        'rate limit: accepted / allowance (ratio)',
        `${n(rateLimit.accepted)} / ${n(Math.floor(rateLimit.allowance))} (${rateLimit.ratio.toFixed(2)})`,
      ],
      ...report.processErrors.map((p): [string, number] => [`error lines from ${p.name}`, p.count]),
    ],
  );
  const setting = report.setting;
  return [
    `${setting.writers} writers, ${setting.readers} readers, ${setting.followers} SSE followers for ${setting.loadSeconds} s through 2 servers; 2 webhook workers (concurrency ${setting.webhookConcurrency}, timeout ${setting.webhookTimeoutMs} ms)`,
    '',
    checks,
    '',
    counts,
  ].join('\n');
}

/** What to show besides the tables when a check failed: the evidence in lines. */
export function scaleOutDetails(report: ScaleOutReport): string[] {
  return [
    ...report.writes.refusals.map((line) => `write refused: ${line}`),
    ...report.replays.different.map((line) => `replay answered otherwise: ${line}`),
    ...report.followers.problems.map((line) => `SSE: ${line}`),
    ...report.revocation.firstAnswers.map((line) => `revocation: ${line}`),
    ...report.processErrors.flatMap((p) => p.lines.map((line) => `${p.name}: ${line}`)),
  ];
}
