import { BlockList, isIP } from 'node:net';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { constantTimeEqual } from '../platform/crypto/tokens.js';

export interface MetricsSources {
  /** Password hashing queue, so operators see sign-in bursts waiting on CPU. */
  passwordHashing?: () => { running: number; queued: number };
  /** Statements and round trips the database handle has sent, so operators and the bench see a request's cost. */
  database?: () => { readonly statements: number; readonly roundTrips: number };
}

export interface MetricsAccess {
  /** TWOFOLD_METRICS_TOKEN: set, a scraper must send it as a bearer token; unset, loopback clients only. */
  readonly token?: string | undefined;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 and ::1 (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Who may read /metrics (it tells the traffic, the routes and the load of the instance). With a
 * token, whoever presents it; without, only a client on this host. A request that a proxy which is
 * not in TWOFOLD_TRUST_PROXY forwarded (X-Forwarded-For or Forwarded from it) is not local, though
 * its TCP peer is: it stands for a client somewhere else.
 */
function checkMetricsAccess(request: FastifyRequest, reply: FastifyReply, access: MetricsAccess): void {
  if (access.token !== undefined) {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (presented !== '' && constantTimeEqual(presented, access.token)) return;
    reply.header('www-authenticate', 'Bearer realm="metrics"');
    throw new TwofoldError(
      'unauthenticated',
      'send the metrics token (TWOFOLD_METRICS_TOKEN) as a bearer token',
    );
  }
  const forwarded =
    request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  const believed = request.ip !== request.socket.remoteAddress;
  if (isLoopbackAddress(request.ip) && (!forwarded || believed)) return;
  throw new TwofoldError(
    'forbidden',
    'metrics are served to clients on this host only; set TWOFOLD_METRICS_TOKEN to scrape them from elsewhere',
  );
}

const metricsPath = '/metrics';

/**
 * Puts `checkMetricsAccess` in front of /metrics when that route is registered (call it before
 * `registerMetrics`), as the first thing the route does.
 */
export function registerMetricsAccess(app: FastifyInstance, access: MetricsAccess): void {
  app.addHook('onRoute', (route) => {
    if (route.url !== metricsPath) return;
    const hooks = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [async (request, reply) => checkMetricsAccess(request, reply, access), ...hooks];
  });
}

/** One Prometheus registry per app (never the global one), so several apps can live in one process. */
export function registerMetrics(app: FastifyInstance, sources: MetricsSources = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'twofold' });
  collectDefaultMetrics({ register: registry, prefix: 'twofold_' });

  const requests = new Counter({
    name: 'twofold_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'twofold_http_request_duration_seconds',
    help: 'Time from request to response, by route pattern and method.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  if (sources.passwordHashing) {
    const read = sources.passwordHashing;
    new Gauge({
      name: 'twofold_password_hash_queue',
      help: 'Password hashes running and waiting for a slot.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = read();
        this.set({ state: 'running' }, stats.running);
        this.set({ state: 'queued' }, stats.queued);
      },
    });
  }

  if (sources.database) {
    const read = sources.database;
    const counted = (name: string, help: string, value: () => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          // The handle keeps the running total; the metric only reports it.
          this.reset();
          this.inc(value());
        },
      });
    counted(
      'twofold_db_statements_total',
      'Database statements run (transaction control included).',
      () => read().statements,
    );
    counted(
      'twofold_db_round_trips_total',
      'Round trips to the database server (none on SQLite, which runs in the process).',
      () => read().roundTrips,
    );
  }

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: label values must stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get(metricsPath, { schema: { hide: true } }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return registry;
}
