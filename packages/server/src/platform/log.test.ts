import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

async function capture(write: (log: ReturnType<typeof createLogger>) => void): Promise<string> {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  const log = createLogger('info', stream);
  write(log);
  await new Promise((r) => setImmediate(r));
  return chunks.join('');
}

describe('structured logs', () => {
  it('are JSON lines that never contain secret-looking values', async () => {
    const text = await capture((log) => {
      log.info(
        { password: 'hunter2-password', user: { email: 'a@example.com', token: 'tfs_secret-token' } },
        'signed up',
      );
      log.info(
        { body: { temporaryAccessPass: 'ABCD-EFGH-JKLM-NPQR', nested: { secret: 'JBSWY3DPEHPK3PXP' } } },
        'pass',
      );
      log.info(
        { req: { headers: { authorization: 'Bearer tfk_live-key', cookie: 'sid=session-cookie' } } },
        'request',
      );
      log.info({ code: '123456', key: 'tfk_other-key' }, 'verify');
    });
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      level: 30,
      service: 'twofold',
      msg: 'signed up',
      user: { email: 'a@example.com' },
    });
    for (const secret of [
      'hunter2-password',
      'tfs_secret-token',
      'ABCD-EFGH-JKLM-NPQR',
      'JBSWY3DPEHPK3PXP',
      'tfk_live-key',
      'session-cookie',
      '123456',
      'tfk_other-key',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});
