import { encodeBase32, generateEntryCode, TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_REMINDER_MS,
  backupDue,
  backupFileName,
  clockOffset,
  clockWarning,
  formatCode,
  IDLE_LOCK_MS,
  isIdle,
  type ManualEntryForm,
  manualEntry,
  manualEntryProblem,
  pushActivation,
  ringOffset,
} from './logic.js';

const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const form = (over: Partial<ManualEntryForm> = {}): ManualEntryForm => ({
  type: 'totp',
  issuer: 'Example',
  name: 'ann@example.com',
  secret: encodeBase32(RFC_SECRET),
  algorithm: 'SHA1',
  digits: '8',
  period: '30',
  counter: '0',
  ...over,
});

describe('idle lock and backup reminder', () => {
  it('locks after five minutes without activity, not before', () => {
    expect(IDLE_LOCK_MS).toBe(300_000);
    expect(isIdle(1_000, 1_000 + IDLE_LOCK_MS - 1)).toBe(false);
    expect(isIdle(1_000, 1_000 + IDLE_LOCK_MS)).toBe(true);
  });

  it('reminds when no backup was made, or the last is 30 days old', () => {
    const now = Date.UTC(2026, 0, 31);
    expect(backupDue(undefined, now)).toBe(true);
    expect(backupDue(now - BACKUP_REMINDER_MS + 1, now)).toBe(false);
    expect(backupDue(now - BACKUP_REMINDER_MS, now)).toBe(true);
    expect(backupFileName(new Date(now))).toBe('twofold-backup-2026-01-31.json');
  });
});

describe('clock offset', () => {
  it('takes the sample with the shortest round trip, against the middle of it', () => {
    const offset = clockOffset([
      { t0: 1_000, t1: 1_400, serverNow: 9_000 },
      { t0: 2_000, t1: 2_100, serverNow: 8_050 },
    ]);
    expect(offset).toEqual({ offsetMs: 8_050 - 2_050, roundTripMs: 100 });
    expect(clockOffset([])).toBeUndefined();
  });

  it('warns past 5 seconds either way, and says which way', () => {
    expect(clockWarning({ offsetMs: 5_000, roundTripMs: 10 })).toBeUndefined();
    expect(clockWarning({ offsetMs: -4_000, roundTripMs: 10 })).toBeUndefined();
    expect(clockWarning({ offsetMs: 5_001, roundTripMs: 10 })).toEqual({ seconds: 5, direction: 'behind' });
    expect(clockWarning({ offsetMs: 7_400, roundTripMs: 10 })).toEqual({ seconds: 7, direction: 'behind' });
    expect(clockWarning({ offsetMs: -62_000, roundTripMs: 10 })).toEqual({ seconds: 62, direction: 'ahead' });
    expect(clockWarning(undefined)).toBeUndefined();
  });
});

describe('display', () => {
  it('draws the ring from the seconds left', () => {
    expect(ringOffset(30, 30, 100)).toBe(0);
    expect(ringOffset(15, 30, 100)).toBe(50);
    expect(ringOffset(0, 30, 100)).toBe(100);
    expect(ringOffset(45, 30, 100)).toBe(0);
  });

  it('groups digits, leaves Steam codes alone', () => {
    expect(formatCode('123456')).toBe('123 456');
    expect(formatCode('94287082')).toBe('9428 7082');
    expect(formatCode('2BX7N')).toBe('2BX7N');
  });
});

describe('add by hand', () => {
  it('gives the RFC 6238 code for the RFC secret', () => {
    const entry = manualEntry(
      form({
        secret: encodeBase32(RFC_SECRET)
          .toLowerCase()
          .replace(/(.{4})/g, '$1 '),
      }),
    );
    expect(entry).toMatchObject({
      type: 'totp',
      issuer: 'Example',
      name: 'ann@example.com',
      digits: 8,
      period: 30,
    });
    expect(generateEntryCode(entry, 59)).toBe('94287082');
  });

  it('builds hotp with its counter and steam with fixed parameters', () => {
    const hotp = manualEntry(form({ type: 'hotp', digits: '6', counter: '1' }));
    expect(hotp.counter).toBe(1n);
    expect(hotp.period).toBeUndefined();
    expect(generateEntryCode(hotp, 0)).toBe('287082'); // RFC 4226 counter 1
    const steam = manualEntry(form({ type: 'steam', algorithm: 'SHA512', digits: '9' }));
    expect(steam).toMatchObject({ algorithm: 'SHA1', digits: 5, period: 30 });
  });

  it('refuses what cannot give codes, naming the problem', () => {
    const problem = (over: Partial<ManualEntryForm>) => {
      try {
        manualEntry(form(over));
      } catch (error) {
        expect(error).toBeInstanceOf(TwofoldError);
        return { code: (error as TwofoldError).code, problem: manualEntryProblem(error) };
      }
      throw new Error('accepted');
    };
    expect(problem({ issuer: ' ', name: '' })).toEqual({
      code: 'validation_failed',
      problem: { reason: 'nameMissing' },
    });
    expect(problem({ secret: 'not base32!' })).toEqual({ code: 'base32_invalid', problem: undefined });
    expect(problem({ digits: 'six' }).problem).toEqual({ reason: 'notWhole', field: 'digits' });
    expect(problem({ type: 'hotp', counter: '-1' }).problem).toEqual({
      reason: 'notWhole',
      field: 'counter',
    });
    expect(problem({ period: '30.5' }).problem).toEqual({ reason: 'notWhole', field: 'period' });
    expect(problem({ digits: '3' }).code).toBe('otp_parameters_invalid');
    expect(problem({ algorithm: 'MD5' }).problem).toEqual({ reason: 'algorithmInvalid' });
  });
});

describe('push activation parameters', () => {
  it('are read from the URI extras, only when all three are there and push is not on yet', () => {
    const extra = {
      twofold_push: 'tfp_x',
      twofold_server: 'https://mfa.example.com/',
      twofold_tenant: 'acme',
    };
    expect(pushActivation({ extra })).toEqual({
      token: 'tfp_x',
      server: 'https://mfa.example.com',
      tenant: 'acme',
    });
    expect(pushActivation({ extra: { twofold_push: 'tfp_x' } })).toBeUndefined();
  });
});
