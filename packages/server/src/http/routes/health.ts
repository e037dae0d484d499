import { Type } from '@sinclair/typebox';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance } from 'fastify';

export interface HealthRouteDeps {
  /** The database's kind, and one round trip to it. */
  readonly database: { readonly dialect: string; ping(): Promise<void> };
  readonly version: string;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthRouteDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database reachability',
        tags: ['operations'],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), version: Type.String() }),
        },
      },
    },
    async () => {
      try {
        await deps.database.ping();
      } catch (error) {
        throw new TwofoldError('service_unavailable', 'the database is not reachable', undefined, {
          cause: error,
        });
      }
      return { status: 'ok' as const, database: deps.database.dialect, version: deps.version };
    },
  );

  // Clients (the authenticator) measure their clock offset against this, corrected for round trip.
  app.get(
    '/api/v1/time',
    {
      schema: {
        summary: 'Server time in milliseconds since the Unix epoch',
        tags: ['operations'],
        response: { 200: Type.Object({ now: Type.Number() }) },
      },
    },
    async () => ({ now: Date.now() }),
  );
}
