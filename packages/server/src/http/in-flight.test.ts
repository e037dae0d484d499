import { request } from 'node:http';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { trackInFlight } from './in-flight.js';

describe('in-flight requests', () => {
  const apps: ReturnType<typeof Fastify>[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function serve() {
    const app = Fastify();
    apps.push(app);
    const inFlight = trackInFlight(app);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let handlerDone = false;
    app.get('/slow', async () => {
      entered();
      await gate;
      handlerDone = true;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { app, inFlight, release, handlerEntered, port, handlerDone: () => handlerDone };
  }

  it('a request counts until its response is sent', async () => {
    const { inFlight, port } = await serve();
    const response = await fetch(`http://127.0.0.1:${port}/fast`);
    expect(await response.json()).toEqual({ ok: true });
    await inFlight.idle();
    expect(inFlight.count()).toBe(0);
  });

  it('a handler still running after its client went away keeps the server busy until it ends', async () => {
    const { inFlight, release, handlerEntered, port, handlerDone } = await serve();
    const client = request({ host: '127.0.0.1', port, path: '/slow' });
    client.on('error', () => {});
    client.end();
    await handlerEntered;
    expect(inFlight.count()).toBe(1);
    client.destroy(); // the client goes away while the handler is still working
    await new Promise((resolve) => setTimeout(resolve, 50));
    let idle = false;
    const waiting = inFlight.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    expect(inFlight.count()).toBe(1);
    release();
    await waiting;
    expect(handlerDone()).toBe(true);
    expect(inFlight.count()).toBe(0);
  });
});
