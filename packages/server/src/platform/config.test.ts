import { TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { describeSettings, loadConfig } from './config.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TwofoldError);
    expect((error as TwofoldError).code).toBe('config_invalid');
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.dataDir).toMatch(/[/\\]data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.smsProvider).toBe('outbox');
    expect(config.trustProxy).toBe(false);
  });

  it('reads every variable from the environment object it is given (pure)', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      TWOFOLD_PUBLIC_URL: 'https://mfa.example.com/',
      DATABASE_URL: 'postgres://twofold@db:5432/twofold',
      TWOFOLD_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      publicUrl: 'https://mfa.example.com',
      databaseUrl: 'postgres://twofold@db:5432/twofold',
      trustProxy: ['10.0.0.1', '10.1.0.0/16'],
    });
    expect(loadConfig({}).port).toBe(8080);
  });

  it.each([
    [{ PORT: '70000' }, /^PORT: must be from 0 to 65535, got 70000$/],
    [{ PORT: 'eighty' }, /^PORT: must be a whole number/],
    [{ TWOFOLD_PUBLIC_URL: 'mfa.example.com' }, /^TWOFOLD_PUBLIC_URL: must be an absolute http\(s\) URL/],
    [{ TWOFOLD_PUBLIC_URL: 'ftp://mfa.example.com' }, /^TWOFOLD_PUBLIC_URL: must use http or https/],
    [{ DATABASE_URL: 'mysql://db/twofold' }, /^DATABASE_URL: must start with postgres:\/\//],
    [{ DATABASE_URL: 'postgres://db:5432' }, /^DATABASE_URL: must name a database/],
    [{ TWOFOLD_SECRET_KEY: 'c2hvcnQ=' }, /^TWOFOLD_SECRET_KEY: /],
    [{ TWOFOLD_LOG_LEVEL: 'loud' }, /^TWOFOLD_LOG_LEVEL: must be one of/],
    [{ TWOFOLD_METRICS_TOKEN: 'short' }, /^TWOFOLD_METRICS_TOKEN: must be at least 16 characters/],
    [
      { TWOFOLD_METRICS_TOKEN: 'sixteen chars and a space' },
      /^TWOFOLD_METRICS_TOKEN: must be printable ASCII/,
    ],
    [{ TWOFOLD_SMS_PROVIDER: 'pigeon' }, /^TWOFOLD_SMS_PROVIDER: must be one of outbox, twilio, webhook/],
    [
      { TWOFOLD_SMS_PROVIDER: 'twilio' },
      /^TWILIO_ACCOUNT_SID: is required when TWOFOLD_SMS_PROVIDER=twilio$/,
    ],
    [{ TWOFOLD_SMS_PROVIDER: 'webhook' }, /^TWOFOLD_SMS_WEBHOOK_URL: is required/],
    [{ SMTP_URL: 'mail.example.com' }, /^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL$/],
    [
      { TWOFOLD_TRUST_PROXY: 'proxy.internal' },
      /^TWOFOLD_TRUST_PROXY: 'proxy.internal' is not an IP address/,
    ],
    [{ TWOFOLD_BODY_LIMIT: '10' }, /^TWOFOLD_BODY_LIMIT: must be from 1024/],
  ])('stops with one line naming the variable: %o', (env, message) => {
    const text = configError(env);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('never puts a secret value into an error message', () => {
    const text = configError({ TWOFOLD_SECRET_KEY: 'not-a-key-but-secret-looking-value-1234567' });
    expect(text).not.toContain('not-a-key-but-secret-looking-value-1234567');
  });

  it('documents every setting with an environment variable and a line of doc', () => {
    const rows = describeSettings();
    expect(new Set(rows.map((r) => r.env)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.env).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(row.doc.length).toBeGreaterThan(10);
    }
    const names = rows.map((r) => r.env);
    for (const name of [
      'PORT',
      'HOST',
      'TWOFOLD_PUBLIC_URL',
      'TWOFOLD_DATA_DIR',
      'DATABASE_URL',
      'TWOFOLD_SECRET_KEY',
      'SMTP_URL',
      'TWOFOLD_MAIL_FROM',
      'TWOFOLD_SMS_PROVIDER',
    ]) {
      expect(names).toContain(name);
    }
  });
});
