import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface InFlight {
  count(): number;
  /** Resolves once no request is being handled (at once if none is). */
  idle(): Promise<void>;
}

const handlerRunning = Symbol('handlerRunning');
const closedWhileRunning = Symbol('closedWhileRunning');
type Tracked = FastifyRequest & { [handlerRunning]?: boolean; [closedWhileRunning]?: boolean };

/**
 * Counts requests from their headers to the end of their response, or to the end of their route
 * handler when that comes later: a client that goes away (the response's 'close') does not stop a
 * handler that is hashing a password or writing to the database. `app.close()` stops new
 * connections but resolves while such a request is in progress; a graceful stop waits on `idle()`
 * before it closes the database, so no handler finds it closed.
 */
export function trackInFlight(app: FastifyInstance): InFlight {
  let active = 0;
  let waiters: (() => void)[] = [];
  function finished() {
    active--;
    if (active === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  }
  app.addHook('onRequest', async (request: Tracked, reply) => {
    active++;
    // 'close' fires once per response, whether it finished or the client went away.
    reply.raw.once('close', () => {
      if (request[handlerRunning]) request[closedWhileRunning] = true;
      else finished();
    });
  });
  // Every route registered from here on: its handler's run is part of its request.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = async function tracked(this: FastifyInstance, request: Tracked, reply) {
      request[handlerRunning] = true;
      try {
        return await handler.call(this, request, reply);
      } finally {
        request[handlerRunning] = false;
        if (request[closedWhileRunning]) finished();
      }
    };
  });
  return {
    count: () => active,
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
