import type { FastifyInstance, FastifyReply } from 'fastify';

const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The baseline headers of every answer, also of those written to the socket before Fastify sees a request. */
export function securityHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'content-security-policy': contentSecurityPolicy,
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** Sets the baseline headers on one answer (also for answers sent before any hook runs). */
export function setSecurityHeaders(reply: FastifyReply, options: { https: boolean }): void {
  for (const [name, value] of Object.entries(securityHeaders(options))) reply.header(name, value);
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

/** Baseline headers on every answer; pages get a strict CSP with no inline script. */
export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    setSecurityHeaders(reply, options);
    return payload;
  });
}
