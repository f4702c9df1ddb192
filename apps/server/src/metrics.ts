import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizeHttpCall, DomainError, type Platform, type ProcedureCall } from '@takst/api';
import type { MikroORM } from '@takst/db';
import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { EXPORT_NDJSON_PATH } from './export-ndjson';
import { refuse } from './http-refusal';
import { METRICS_PATH, OPENAPI_PATH } from './paths';

// Seconds; from a cached key lookup to a bulk write of 500 items.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The few routes a label may name; anything else is `other`, so no caller can invent labels. */
function routeOf(req: IncomingMessage): string {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (path.startsWith('/trpc/')) return '/trpc';
  if ([EXPORT_NDJSON_PATH, '/healthz', '/readyz', METRICS_PATH, OPENAPI_PATH].includes(path)) return path;
  return 'other';
}

interface KnexPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(orm: MikroORM): KnexPool | undefined {
  const knex = orm.em.getConnection().getKnex() as unknown as { client?: { pool?: KnexPool } };
  return knex.client?.pool;
}

/**
 * The server's metrics, in the Prometheus text format at GET /metrics: HTTP requests, procedure
 * calls by outcome, the database pool, the event log's head, the webhook backlog, and Node.js's own. One registry per
 * server, not the library's global one, so servers sharing a process (tests) keep theirs apart.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #requestSeconds: Histogram<'method' | 'route'>;
  readonly #calls: Counter<'procedure' | 'type' | 'outcome'>;
  readonly #callSeconds: Histogram<'procedure' | 'type'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'takst_' });
    this.#requests = new Counter({
      name: 'takst_http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: 'takst_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent',
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#calls = new Counter({
      name: 'takst_procedure_calls_total',
      help: 'Procedure calls, by procedure, type and outcome (ok, or the stable error code)',
      labelNames: ['procedure', 'type', 'outcome'],
      registers,
    });
    this.#callSeconds = new Histogram({
      name: 'takst_procedure_duration_seconds',
      help: 'Time a procedure call took, refusals included (a subscription: until it started streaming)',
      labelNames: ['procedure', 'type'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  /** Adds the database's gauges: its connection pool, and the head of the event log. */
  observeDatabase(orm: MikroORM): void {
    const registers = [this.registry];
    const pool = () => poolOf(orm);
    new Gauge({
      name: 'takst_db_pool_connections',
      help: 'Connections of the database pool, by state (used, free) and callers waiting for one (pending)',
      labelNames: ['state'],
      registers,
      collect() {
        const current = pool();
        if (!current) return;
        this.set({ state: 'used' }, current.numUsed());
        this.set({ state: 'free' }, current.numFree());
        this.set({ state: 'pending' }, current.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'takst_events_last_sequence',
      help: 'The sequence number of the newest event in the log',
      registers,
      async collect() {
        const rows = await orm.em
          .getConnection()
          .execute<{ last: string }[]>('select coalesce(max(sequence), 0) as last from events');
        this.set(Number(rows[0]?.last ?? 0));
      },
    });
    // Both backlog gauges are collected side by side in one scrape: they share one query.
    type Backlog = { pending: string; oldest_seconds: number | null }[];
    let backlogRead: Promise<Backlog> | undefined;
    const backlog = () => {
      backlogRead ??= orm.em
        .getConnection()
        .execute<Backlog>(
          `select count(*) as pending, extract(epoch from now() - min(created_at))::float8 as oldest_seconds
           from webhook_deliveries where status = 'pending'`,
        )
        .finally(() => {
          backlogRead = undefined;
        });
      return backlogRead;
    };
    new Gauge({
      name: 'takst_webhook_deliveries_pending',
      help: 'Webhook deliveries not yet delivered, failed for good or given up on',
      registers,
      async collect() {
        this.set(Number((await backlog())[0]?.pending ?? 0));
      },
    });
    new Gauge({
      name: 'takst_webhook_oldest_pending_seconds',
      help: 'Age of the oldest webhook delivery still pending; 0 when none is',
      registers,
      async collect() {
        this.set((await backlog())[0]?.oldest_seconds ?? 0);
      },
    });
  }

  /** Counts the request and its duration once its answer has been sent. */
  observeRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = routeOf(req);
      const method = req.method ?? 'OTHER';
      this.#requests.inc({ method, route, status: String(res.statusCode) });
      this.#requestSeconds.observe({ method, route }, (performance.now() - started) / 1000);
    });
  }

  readonly observeCall = (call: ProcedureCall): void => {
    this.#calls.inc({ procedure: call.path, type: call.type, outcome: call.errorCode ?? 'ok' });
    this.#callSeconds.observe({ procedure: call.path, type: call.type }, call.durationSeconds);
  };
}

/** GET /metrics, for a scraper holding an API key with the `metrics:read` scope. */
export function serveMetrics(platform: Platform, metrics: Metrics): RequestHandler {
  return async (req, res, next) => {
    try {
      await authorizeHttpCall(platform, req.headers.authorization ?? null, 'metrics:read');
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      refuse(res, error);
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.setHeader('content-type', metrics.registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.send(body);
    } catch (error) {
      next(error);
    }
  };
}
