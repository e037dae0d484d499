import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  /** Password hashing queue, so operators see sign-in bursts waiting on CPU. */
  passwordHashing?: () => { running: number; queued: number };
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

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: label values must stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return registry;
}
