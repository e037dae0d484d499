import type { FastifyInstance, FastifyReply } from 'fastify';

const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Sets the baseline headers on one answer (also for answers sent before any hook runs). */
export function setSecurityHeaders(reply: FastifyReply, { https }: { https: boolean }): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('content-security-policy', contentSecurityPolicy);
  if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

/** Baseline headers on every answer; pages get a strict CSP with no inline script. */
export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    setSecurityHeaders(reply, options);
    return payload;
  });
}
