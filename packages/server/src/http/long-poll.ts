import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Abort signals for the long-polls of one app: each ends early when its client goes away (the
 * response's 'close') or when the server closes (`preClose`, before Fastify waits for in-flight
 * requests), so a stop or a restart never waits out a 25-second poll.
 */
export interface LongPolls {
  /** A signal for this request's wait; it aborts when the client leaves or the server closes. */
  signalFor(reply: FastifyReply): AbortSignal;
}

export function registerLongPolls(app: FastifyInstance): LongPolls {
  const active = new Set<AbortController>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    for (const controller of active) controller.abort();
    active.clear();
  });
  return {
    signalFor(reply) {
      const controller = new AbortController();
      if (closing) {
        controller.abort();
        return controller.signal;
      }
      active.add(controller);
      // A response's 'close' fires once it is sent, or when the connection drops before that.
      reply.raw.once('close', () => {
        active.delete(controller);
        controller.abort();
      });
      return controller.signal;
    },
  };
}

/** `?wait=N` in seconds (already bounded by the route's schema) as milliseconds. */
export function waitMs(seconds: number | undefined, fallbackSeconds: number): number {
  return (seconds ?? fallbackSeconds) * 1000;
}
