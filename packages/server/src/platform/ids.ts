import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562 section 5.7): time-ordered, so new rows land at the end of primary-key indexes
 * on both SQLite and PostgreSQL instead of scattering like v4.
 */
export function generateId(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  randomFillSync(bytes, 6);
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
