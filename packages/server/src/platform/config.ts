import { isAbsolute, resolve } from 'node:path';
import { TwofoldError } from '@twofold/core';
import { parseSecretKeys } from './crypto/keyring.js';

/**
 * The one configuration schema. Each entry names its environment variable, its default and a line
 * of documentation; docs/configuration.md is generated from this table (a test keeps it equal).
 * `loadConfig(env)` is pure: it reads only the object it is given and throws one TwofoldError
 * naming the variable at the first bad value.
 */
interface Setting<T> {
  readonly env: string;
  /** Default as written in the docs; `undefined` means "unset". */
  readonly default: string | undefined;
  readonly doc: string;
  /** Never print the value (logs, `twofold config`). */
  readonly secret?: boolean;
  readonly parse: (raw: string | undefined, name: string) => T;
}

function fail(name: string, message: string): never {
  throw new TwofoldError('config_invalid', `${name}: ${message}`);
}

function integer(min: number, max: number) {
  return (raw: string | undefined, name: string): number => {
    const text = (raw ?? '').trim();
    if (!/^\d+$/.test(text)) fail(name, `must be a whole number from ${min} to ${max}, got '${raw}'`);
    const value = Number(text);
    if (value < min || value > max) fail(name, `must be from ${min} to ${max}, got ${value}`);
    return value;
  };
}

function optionalText(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  return text ? text : undefined;
}

function oneOf<const T extends string>(values: readonly T[]) {
  return (raw: string | undefined, name: string): T => {
    const text = (raw ?? '').trim();
    if (!(values as readonly string[]).includes(text)) {
      fail(name, `must be one of ${values.join(', ')}, got '${raw}'`);
    }
    return text as T;
  };
}

function httpUrl(raw: string | undefined, name: string): URL {
  let url: URL;
  try {
    url = new URL((raw ?? '').trim());
  } catch {
    fail(name, `must be an absolute http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(name, `must use http or https, got '${url.protocol}'`);
  }
  return url;
}

function optionalHttpUrl(raw: string | undefined, name: string): URL | undefined {
  return optionalText(raw) === undefined ? undefined : httpUrl(raw, name);
}

function bool(raw: string | undefined, name: string): boolean {
  const text = (raw ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  return fail(name, `must be true or false, got '${raw}'`);
}

const settings = {
  port: {
    env: 'PORT',
    default: '8080',
    doc: 'TCP port the HTTP server listens on (0 picks a free port).',
    parse: integer(0, 65535),
  },
  host: {
    env: 'HOST',
    default: '127.0.0.1',
    doc: 'Address the HTTP server binds to; use 0.0.0.0 to accept connections from other hosts.',
    parse: (raw, name) => optionalText(raw) ?? fail(name, 'must not be empty'),
  },
  publicUrl: {
    env: 'TWOFOLD_PUBLIC_URL',
    default: 'http://localhost:8080',
    doc: 'The URL people and apps use to reach Twofold; links, QR codes and OIDC issuers are built from it.',
    parse: (raw, name) => {
      const url = httpUrl(raw, name);
      if (url.search || url.hash) fail(name, 'must not have a query or fragment');
      return url.toString().replace(/\/+$/, '');
    },
  },
  dataDir: {
    env: 'TWOFOLD_DATA_DIR',
    default: './data',
    doc: 'Directory for the SQLite database and the generated secret key file (relative to the working directory).',
    parse: (raw, name) => {
      const text = optionalText(raw) ?? fail(name, 'must not be empty');
      return isAbsolute(text) ? text : resolve(text);
    },
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: undefined,
    doc: 'Unset: SQLite in the data directory. `postgres://user:pass@host:5432/db`: PostgreSQL (required for several instances).',
    secret: true,
    parse: (raw, name) => {
      const text = optionalText(raw);
      if (text === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return fail(name, 'must be a postgres:// URL');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        fail(name, `must start with postgres:// or postgresql://, got '${url.protocol}//'`);
      }
      if (url.pathname.length <= 1) fail(name, 'must name a database, as in postgres://host:5432/twofold');
      return text;
    },
  },
  databasePoolSize: {
    env: 'TWOFOLD_DATABASE_POOL_SIZE',
    default: '10',
    doc: 'Maximum PostgreSQL connections per instance.',
    parse: integer(1, 500),
  },
  secretKey: {
    env: 'TWOFOLD_SECRET_KEY',
    default: undefined,
    doc: 'Base64 32-byte key(s) sealing secrets at rest, comma-separated, newest first. Unset: generated once into the data directory (mode 0600) with a warning. Every instance of one database needs the same keys.',
    secret: true,
    parse: (raw) => {
      const text = optionalText(raw);
      // Validate now so a bad key stops start-up with the variable's name; the keyring parses it again.
      if (text !== undefined) parseSecretKeys(text);
      return text;
    },
  },
  logLevel: {
    env: 'TWOFOLD_LOG_LEVEL',
    default: 'info',
    doc: 'Log level: fatal, error, warn, info, debug, trace or silent. Logs are JSON lines on stdout, secrets redacted.',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  },
  bodyLimit: {
    env: 'TWOFOLD_BODY_LIMIT',
    default: '1048576',
    doc: 'Largest request body in bytes; larger bodies get 413 payload_too_large.',
    parse: integer(1024, 64 * 1024 * 1024),
  },
  requestTimeoutMs: {
    env: 'TWOFOLD_REQUEST_TIMEOUT_MS',
    default: '30000',
    doc: 'How long a client may take to send a whole request, headers and body; a slower one (a body sent a byte at a time) gets 408 request_timeout and its connection is closed, within a second of the limit. Long-polls are not affected: their wait begins once the request has arrived.',
    parse: integer(100, 600_000),
  },
  trustProxy: {
    env: 'TWOFOLD_TRUST_PROXY',
    default: 'false',
    doc: 'Trust X-Forwarded-For/-Proto from a reverse proxy: false, true, or a comma-separated list of proxy addresses/CIDRs.',
    parse: (raw, name): boolean | string[] => {
      const text = (raw ?? '').trim();
      if (/^(true|false|1|0|yes|no|on|off)?$/i.test(text)) return bool(text, name);
      const list = text.split(',').map((part) => part.trim());
      for (const part of list) {
        if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part)) fail(name, `'${part}' is not an IP address or CIDR`);
      }
      return list;
    },
  },
  metricsToken: {
    env: 'TWOFOLD_METRICS_TOKEN',
    default: undefined,
    doc: 'Set: `GET /metrics` needs `Authorization: Bearer <token>` (at least 16 characters). Unset: it answers loopback clients only (127.0.0.1, ::1; behind a proxy, the client address as TWOFOLD_TRUST_PROXY gives it), others get 403.',
    secret: true,
    parse: (raw, name) => {
      const text = optionalText(raw);
      if (text === undefined) return undefined;
      if (text.length < 16)
        fail(name, 'must be at least 16 characters (for example `openssl rand -base64 32`)');
      if (!/^[\x21-\x7e]+$/.test(text)) fail(name, 'must be printable ASCII without spaces');
      return text;
    },
  },
  shutdownTimeoutMs: {
    env: 'TWOFOLD_SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    doc: 'On SIGTERM, how long in-flight requests may take to finish before the process exits.',
    parse: integer(0, 600_000),
  },
  passwordHashConcurrency: {
    env: 'TWOFOLD_PASSWORD_HASH_CONCURRENCY',
    default: undefined,
    doc: 'Password hashes computed at once (argon2id, off the event loop); more wait in a queue. Unset: the number of CPU cores.',
    parse: (raw, name) => (optionalText(raw) === undefined ? undefined : integer(1, 256)(raw, name)),
  },
  smtpUrl: {
    env: 'SMTP_URL',
    default: undefined,
    doc: 'Mail server for email codes and admin notices, as smtp://user:pass@host:587 or smtps://...; unset: mail is kept in the outbox only.',
    secret: true,
    parse: (raw, name) => {
      const text = optionalText(raw);
      if (text === undefined) return undefined;
      if (!/^smtps?:\/\/[^/]+/.test(text)) fail(name, 'must be an smtp:// or smtps:// URL');
      return text;
    },
  },
  mailFrom: {
    env: 'TWOFOLD_MAIL_FROM',
    default: 'Twofold <no-reply@localhost>',
    doc: 'Sender address of the mail Twofold sends.',
    parse: (raw, name) => optionalText(raw) ?? fail(name, 'must not be empty'),
  },
  smsProvider: {
    env: 'TWOFOLD_SMS_PROVIDER',
    default: 'outbox',
    doc: 'How SMS codes leave: outbox (kept and shown to global admins; development), twilio, or webhook.',
    parse: oneOf(['outbox', 'twilio', 'webhook'] as const),
  },
  twilioAccountSid: {
    env: 'TWILIO_ACCOUNT_SID',
    default: undefined,
    doc: 'Twilio account SID (with TWOFOLD_SMS_PROVIDER=twilio).',
    parse: (raw) => optionalText(raw),
  },
  twilioAuthToken: {
    env: 'TWILIO_AUTH_TOKEN',
    default: undefined,
    doc: 'Twilio auth token (with TWOFOLD_SMS_PROVIDER=twilio).',
    secret: true,
    parse: (raw) => optionalText(raw),
  },
  twilioFrom: {
    env: 'TWILIO_FROM',
    default: undefined,
    doc: 'Sender number (E.164) or messaging service SID for Twilio.',
    parse: (raw) => optionalText(raw),
  },
  twilioApiUrl: {
    env: 'TWILIO_API_URL',
    default: 'https://api.twilio.com',
    doc: 'Base URL of the Twilio REST API (point it elsewhere for testing).',
    parse: httpUrl,
  },
  smsWebhookUrl: {
    env: 'TWOFOLD_SMS_WEBHOOK_URL',
    default: undefined,
    doc: 'With TWOFOLD_SMS_PROVIDER=webhook: URL that receives a JSON POST {to, body, tenant} per SMS.',
    parse: optionalHttpUrl,
  },
  smsWebhookSecret: {
    env: 'TWOFOLD_SMS_WEBHOOK_SECRET',
    default: undefined,
    doc: 'With the webhook provider: HMAC-SHA256 key signing each POST (header X-Twofold-Signature).',
    secret: true,
    parse: (raw) => optionalText(raw),
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
export type Config = { readonly [K in keyof Settings]: ReturnType<Settings[K]['parse']> };
export type ConfigKey = keyof Settings;

export interface SettingDoc {
  readonly key: ConfigKey;
  readonly env: string;
  readonly default: string | undefined;
  readonly doc: string;
  readonly secret: boolean;
}

/** The schema as documentation rows, in declaration order. */
export function describeSettings(): SettingDoc[] {
  return (Object.keys(settings) as ConfigKey[]).map((key) => {
    const setting: Setting<unknown> = settings[key];
    return {
      key,
      env: setting.env,
      default: setting.default,
      doc: setting.doc,
      secret: setting.secret === true,
    };
  });
}

/** Reads the configuration from `env` (pure); throws TwofoldError('config_invalid') naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(settings) as ConfigKey[]) {
    const setting: Setting<unknown> = settings[key];
    const raw = env[setting.env];
    const value = raw === undefined || raw === '' ? setting.default : raw;
    out[key] = setting.parse(value, setting.env);
  }
  const config = out as Config;
  checkCombinations(config);
  return config;
}

function checkCombinations(config: Config): void {
  if (config.smsProvider === 'twilio') {
    if (!config.twilioAccountSid) fail('TWILIO_ACCOUNT_SID', 'is required when TWOFOLD_SMS_PROVIDER=twilio');
    if (!config.twilioAuthToken) fail('TWILIO_AUTH_TOKEN', 'is required when TWOFOLD_SMS_PROVIDER=twilio');
    if (!config.twilioFrom) fail('TWILIO_FROM', 'is required when TWOFOLD_SMS_PROVIDER=twilio');
  }
  if (config.smsProvider === 'webhook') {
    if (!config.smsWebhookUrl)
      fail('TWOFOLD_SMS_WEBHOOK_URL', 'is required when TWOFOLD_SMS_PROVIDER=webhook');
    if (!config.smsWebhookSecret) {
      fail('TWOFOLD_SMS_WEBHOOK_SECRET', 'is required when TWOFOLD_SMS_PROVIDER=webhook');
    }
  }
}

/** docs/configuration.md, generated from the schema. */
export function renderConfigurationDoc(): string {
  const rows = describeSettings().map((row) => {
    const def = row.default === undefined ? '(unset)' : `\`${row.default}\``;
    return `| \`${row.env}\` | ${def} | ${row.doc.replaceAll('|', '\\|')} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from packages/server/src/platform/config.ts by `npm run docs`; a test keeps it equal. -->',
    '',
    'Twofold reads its configuration from environment variables only. A bad value stops start-up with one line',
    'naming the variable, for example `twofold: PORT: must be from 0 to 65535, got 70000 (config_invalid)`.',
    '',
    '| Variable | Default | Meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
