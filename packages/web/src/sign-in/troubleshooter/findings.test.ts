/** The troubleshooter's and the console's words for each finding, and how far a clock is off. */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';
import { describe, expect, it } from 'vitest';
import { describeHelpFinding } from '../../admin/help-request-findings.js';
import { loadMessages } from '../../i18n/i18n.js';
import { withMessages } from '../../i18n/test-messages.js';
import { formatOffset, offsetDirection } from '../../shared/clock-offset.js';
import { describeFinding, isBlocking } from './findings.js';

const now = Date.UTC(2026, 0, 5, 9, 0, 0);
const sms = { id: 'm_sms', type: 'sms', label: '+44 ••• •• 23', isDefault: false };

withMessages('en', ['en-GB']);

describe('how far a clock is off', () => {
  it('says seconds, minutes and seconds, then whole minutes, whichever way it is off', () => {
    expect(formatOffset(45)).toBe('45 seconds');
    expect(formatOffset(-1)).toBe('1 second');
    expect(formatOffset(-180)).toBe('3 minutes');
    expect(formatOffset(241)).toBe('4 minutes, 1 second');
    expect(formatOffset(-754)).toBe('13 minutes');
    expect(offsetDirection(241)).toBe('ahead');
    expect(offsetDirection(-180)).toBe('behind');
  });
});

describe('findings in the words of the person who cannot sign in', () => {
  it('names the phone for a clock measured from codes, this device for the browser clock', () => {
    expect(
      describeFinding(
        { code: 'clock_behind', offsetSeconds: -185, source: 'codes', methodId: 'm_1' },
        [],
        now,
      ),
    ).toBe(
      'The codes you typed were made by a clock 3 minutes, 5 seconds behind the real time: the clock of the phone with your authenticator app is wrong.',
    );
    expect(describeFinding({ code: 'clock_ahead', offsetSeconds: 90, source: 'device_time' }, [], now)).toBe(
      "This device's clock is 1 minute, 30 seconds fast.",
    );
  });

  it('says when the next code can be sent, to the masked number the sign-in shows', () => {
    expect(
      describeFinding({ code: 'send_limit', methodId: 'm_sms', type: 'sms', retryAfter: 600 }, [sms], now),
      // The time of day is the browser's own time zone's.
    ).toMatch(
      /^The next code to \+44 ••• •• 23 can be sent in about 10 minutes \(at \d{1,2}:\d{2}\): codes are limited/,
    );
  });

  it('tells a lock that ends from one only an admin ends; marks what blocks every code', () => {
    const timed: DiagnosisFinding = { code: 'locked_out', retryAfter: 900, adminRequired: false };
    const admin: DiagnosisFinding = { code: 'locked_out', adminRequired: true };
    expect(describeFinding(timed, [], now)).toBe(
      'Codes are locked for your account after too many wrong ones.',
    );
    expect(describeFinding(admin, [], now)).toMatch(/until an admin unlocks it\.$/);
    expect(isBlocking(timed)).toBe(true);
    expect(isBlocking({ code: 'clock_ahead', offsetSeconds: 90, source: 'codes' })).toBe(false);
    expect(
      describeFinding(
        { code: 'method_not_allowed', methods: [{ id: 'm', type: 'sms', label: 'Work phone' }] },
        [],
        now,
      ),
    ).toBe('Your organisation no longer accepts Work phone for signing in.');
  });
});

describe("findings in the console's words", () => {
  it('speaks of the person, with the time a lock has left', () => {
    expect(describeHelpFinding({ code: 'clock_ahead', offsetSeconds: 125, source: 'codes' })).toBe(
      "Their phone's clock is 2 minutes, 5 seconds ahead (from their recent codes).",
    );
    expect(describeHelpFinding({ code: 'locked_out', retryAfter: 840, adminRequired: false })).toBe(
      'Codes locked after too many wrong ones, for about 14 minutes more.',
    );
    expect(describeHelpFinding({ code: 'no_method' })).toBe(
      'No sign-in method (or re-registration required).',
    );
  });

  it('speaks German on a German page', async () => {
    await loadMessages('de', ['sign-in', 'troubleshooter', 'help-requests', 'common', 'admin']);
    try {
      expect(
        describeFinding({ code: 'clock_ahead', offsetSeconds: 240, source: 'device_time' }, [], now),
      ).toBe('Die Uhr dieses Geräts geht 4 Minuten vor.');
    } finally {
      await loadMessages(
        'en',
        ['common', 'problems', 'sign-in', 'troubleshooter', 'admin', 'help-requests'],
        ['en-GB'],
      );
    }
  });
});
