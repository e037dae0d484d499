import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { commonPasswordCount, isCommonPassword } from './common-passwords.js';
import { checkNewPassword } from './password-rules.js';

function codeOf(password: string): string | undefined {
  try {
    checkNewPassword(password);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('password rules (spec section 6, NIST SP 800-63B)', () => {
  it('ships at least 100,000 common or breached passwords', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(100_000);
  });

  it('refuses common passwords whatever their case, and takes uncommon ones', () => {
    for (const common of ['password', 'PASSWORD1', 'iloveyou', 'qwertyuiop', 'Sunshine1', '1qaz2wsx']) {
      expect(codeOf(common), common).toBe('password_too_common');
    }
    for (const fine of ['correct horse battery', 'tangerine-otter-42-quilt', '🔑'.repeat(8)]) {
      expect(codeOf(fine), fine).toBeUndefined();
    }
  });

  it('8 to 256 characters, with a code for each side', () => {
    expect(codeOf('x7#kQ2')).toBe('password_too_short');
    expect(codeOf('x7#kQ2mZ')).toBeUndefined();
    expect(codeOf('a'.repeat(257))).toBe('password_too_long');
    expect(codeOf('bq'.repeat(128))).toBeUndefined();
  });

  it('a check is a lookup once the list is loaded', () => {
    isCommonPassword('warm-up');
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) isCommonPassword(`candidate-${i}`);
    // 10,000 checks: a Set lookup each (an array scan of 200,000 would take seconds).
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
