import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../errors/index.js';
import { decodeQrCodes, type RgbaImage } from './qr.js';

/** Draws QR codes (made by the `qrcode` package, an independent encoder) side by side as RGBA pixels. */
function drawQrCodes(texts: string[], options: { scale?: number; invert?: boolean } = {}): RgbaImage {
  const scale = options.scale ?? 4;
  const matrices = texts.map((text) => QRCode.create(text, { errorCorrectionLevel: 'M' }).modules);
  const quiet = 4;
  const width = matrices.reduce((sum, m) => sum + (m.size + 2 * quiet) * scale, 0);
  const height = Math.max(...matrices.map((m) => (m.size + 2 * quiet) * scale));
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  let left = 0;
  for (const matrix of matrices) {
    for (let row = 0; row < matrix.size; row++) {
      for (let column = 0; column < matrix.size; column++) {
        const dark = matrix.get(row, column) === 1 ? !options.invert : !!options.invert;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const x = left + (column + quiet) * scale + dx;
            const y = (row + quiet) * scale + dy;
            data.fill(dark ? 0 : 255, (y * width + x) * 4, (y * width + x) * 4 + 3);
          }
        }
      }
    }
    if (options.invert) {
      // Paint the quiet zone dark too, so the code is light-on-dark everywhere.
      for (let y = 0; y < (matrix.size + 2 * quiet) * scale; y++) {
        for (let x = left; x < left + (matrix.size + 2 * quiet) * scale; x++) {
          const inside =
            x >= left + quiet * scale &&
            x < left + (matrix.size + quiet) * scale &&
            y >= quiet * scale &&
            y < (matrix.size + quiet) * scale;
          if (!inside) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
        }
      }
    }
    left += (matrix.size + 2 * quiet) * scale;
  }
  return { width, height, data };
}

async function errorCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TwofoldError) return error.code;
    throw error;
  }
  return 'no error';
}

const uri = 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example';

describe('QR codes in images', () => {
  it('reads an otpauth URI', async () => {
    expect(await decodeQrCodes(drawQrCodes([uri]))).toEqual([uri]);
  });

  it('reads light-on-dark codes and non-ASCII text', async () => {
    const text = 'otpauth://totp/B%C3%BCro:j%C3%B6rg?secret=JBSWY3DPEHPK3PXP&issuer=B%C3%BCro';
    expect(await decodeQrCodes(drawQrCodes([text], { invert: true }))).toEqual([text]);
  });

  it('reads several codes in one image', async () => {
    const second =
      'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';
    const third = 'otpauth://hotp/Bank:carol?secret=JBSWY3DPEHPK3PXPJBSWY3DP&counter=5';
    expect((await decodeQrCodes(drawQrCodes([uri, second, third]))).sort()).toEqual(
      [uri, second, third].sort(),
    );
  });

  it('says so when there is no code, or the pixels do not match the size', async () => {
    const blank = { width: 50, height: 50, data: new Uint8ClampedArray(50 * 50 * 4).fill(255) };
    expect(await errorCode(() => decodeQrCodes(blank))).toBe('qr_not_found');
    expect(await errorCode(() => decodeQrCodes({ width: 50, height: 50, data: new Uint8Array(10) }))).toBe(
      'image_invalid',
    );
    expect(await errorCode(() => decodeQrCodes({ width: 0, height: 50, data: new Uint8Array(0) }))).toBe(
      'image_invalid',
    );
  });
});
