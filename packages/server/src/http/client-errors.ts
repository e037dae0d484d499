import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance } from 'fastify';
import { toProblem } from './problem.js';
import { securityHeaders } from './security-headers.js';

/**
 * Answers what Node refuses before a request reaches Fastify (a request that did not arrive
 * within TWOFOLD_REQUEST_TIMEOUT_MS, headers over the size limit, bytes that are not HTTP) with
 * the same problem+json as every other refusal, then closes the connection. A client cut off for
 * slowness is logged, so that an operator sees a slow-request attack (or a proxy that buffers).
 */
export function clientErrorHandler(options: { https: boolean }) {
  return function onClientError(
    this: FastifyInstance,
    error: Error & { code?: string },
    socket: Socket,
  ): void {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new TwofoldError('request_timeout', 'the request did not arrive in time; the connection is closed')
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? new TwofoldError('headers_too_large', 'the request headers are too large')
          : new TwofoldError('bad_request', 'the request is not valid HTTP');
    this.log[problem.code === 'request_timeout' ? 'info' : 'debug'](
      { code: problem.code, remoteAddress: socket.remoteAddress },
      'connection closed before a request could be read',
    );
    if (socket.writable) {
      const answer = toProblem(problem);
      const body = JSON.stringify(answer);
      const { status } = answer;
      const headers = {
        ...securityHeaders(options),
        'content-type': 'application/problem+json',
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': 'no-store',
        connection: 'close',
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`);
    }
    socket.destroy();
  };
}
