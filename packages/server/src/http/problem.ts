import { type ErrorCode, errorRegistry, isTwofoldError, TwofoldError } from '@twofold/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9457 problem details with Twofold's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export function problemTypeFor(code: ErrorCode): string {
  return `urn:twofold:problem:${code}`;
}

export function toProblem(error: TwofoldError, request?: FastifyRequest): Problem {
  const def = errorRegistry[error.code];
  return {
    ...error.details,
    type: problemTypeFor(error.code),
    title: def.title,
    status: def.status,
    detail: error.message,
    code: error.code,
    ...(request ? { instance: request.url.split('?')[0], requestId: request.id } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: TwofoldError): FastifyReply {
  const problem = toProblem(error, reply.request);
  if (typeof problem['retryAfter'] === 'number') reply.header('retry-after', String(problem['retryAfter']));
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Maps Fastify's own errors (parsing, validation, limits) onto registry codes; anything else is a bug. */
export function classifyError(error: FastifyError | Error): TwofoldError {
  if (isTwofoldError(error)) return error;
  const fe = error as FastifyError & {
    validation?: { instancePath?: string; message?: string; params?: unknown }[];
  };
  if (fe.validation) {
    const errors = fe.validation.map((v) => ({
      path: `${(fe as { validationContext?: string }).validationContext ?? 'body'}${v.instancePath ?? ''}`,
      message: v.message ?? 'is invalid',
    }));
    const first = errors[0];
    return new TwofoldError(
      'validation_failed',
      first ? `${first.path}: ${first.message}` : 'the request is invalid',
      {
        errors,
      },
    );
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TwofoldError('payload_too_large', 'the request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TwofoldError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TwofoldError('bad_request', 'the body is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TwofoldError('bad_request', 'the body is not valid JSON');
    default:
      break;
  }
  const status = fe.statusCode ?? 500;
  if (status === 413) return new TwofoldError('payload_too_large');
  if (status === 415) return new TwofoldError('unsupported_media_type');
  if (status === 405) return new TwofoldError('method_not_allowed');
  if (status === 404) return new TwofoldError('not_found');
  if (status === 429) return new TwofoldError('rate_limited');
  if (status >= 400 && status < 500) {
    const detail =
      error instanceof SyntaxError ? 'the body is not valid JSON' : 'the request could not be read';
    return new TwofoldError('bad_request', detail);
  }
  return new TwofoldError(
    'internal_error',
    'something went wrong on the server; the log has the details',
    undefined,
    {
      cause: error,
    },
  );
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const problem = classifyError(error);
    if (problem.code === 'internal_error') {
      request.log.error({ err: error }, 'unhandled error');
    } else if (problem.status >= 500) {
      request.log.error({ err: error, code: problem.code }, problem.message);
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new TwofoldError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
