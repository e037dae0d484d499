import type { FastifyInstance } from 'fastify';

export interface InFlight {
  count(): number;
  /** Resolves once no request is being handled (at once if none is). */
  idle(): Promise<void>;
}

/**
 * Counts requests from their headers to the end of their response. `app.close()` stops new
 * connections but resolves while a request whose body is still arriving is in progress; a graceful
 * stop waits on `idle()` before it closes the database.
 */
export function trackInFlight(app: FastifyInstance): InFlight {
  let active = 0;
  let waiters: (() => void)[] = [];
  app.addHook('onRequest', async (_request, reply) => {
    active++;
    // 'close' fires once per response, whether it finished or the client went away.
    reply.raw.once('close', () => {
      active--;
      if (active === 0) {
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve();
      }
    });
  });
  return {
    count: () => active,
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
