/**
 * Routes whose body is a CSV file (the admin imports): `text/csv` is the only body they accept, and
 * any other (JSON included), or none, gets a 415 unsupported_media_type that says what to send.
 */
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const csvMediaType = 'text/csv';

/**
 * Registers `routes` in a scope of their own that reads text/csv bodies as a string and refuses every
 * other Content-Type; `columns` is the header the file starts with, named in the refusal.
 */
export function registerCsvRoutes(
  app: FastifyInstance,
  columns: string,
  routes: (scope: FastifyInstance) => void,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(csvMediaType, { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.addContentTypeParser('*', (_request, _payload, done) =>
      done(
        new TwofoldError(
          'unsupported_media_type',
          `send the CSV file with Content-Type: ${csvMediaType} (${columns})`,
        ),
        undefined,
      ),
    );
    routes(scope);
  });
}

/** A request without a body has no Content-Type to refuse: say what to send, before validation does. */
export async function requireCsvBody(request: FastifyRequest): Promise<void> {
  if (typeof request.body !== 'string')
    throw new TwofoldError(
      'unsupported_media_type',
      'send the CSV file as the body, with Content-Type: text/csv',
    );
}
