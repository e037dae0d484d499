import pino, { type Logger } from 'pino';

/**
 * Keys whose values never reach a log line, wherever they appear one or two levels deep. Secrets
 * in request bodies are not logged at all (Fastify does not log bodies); this is the second line.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'secret',
    'token',
    'pass',
    'code',
    'key',
    'temporaryAccessPass',
    'clientSecret',
    'otpauthUri',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/** JSON lines on stdout (or the given stream), secrets redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'twofold' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
