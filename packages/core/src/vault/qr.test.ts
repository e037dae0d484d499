import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
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

/**
 * A code as a browser draws an SVG scaled to a size that is not a whole number of pixels a module
 * (each pixel takes the module under its centre), on a page-grey background, as Twofold's page did
 * before issue 15: modules 3 and 4 pixels wide.
 */
function drawUnevenly(text: string, side: number): RgbaImage {
  const matrix = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const modules = matrix.size + 2;
  const width = side + 200;
  const data = new Uint8ClampedArray(width * width * 4).fill(243);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(((y + 0.5) * modules) / side) - 1;
      const column = Math.floor(((x + 0.5) * modules) / side) - 1;
      const inside = row >= 0 && column >= 0 && row < matrix.size && column < matrix.size;
      const dark = inside && matrix.get(row, column) === 1;
      const at = ((y + 100) * width + x + 100) * 4;
      data.fill(dark ? 0 : 255, at, at + 3);
    }
  }
  return { width, height: width, data };
}

const longUri =
  'otpauth://totp/Twofold%20(Acme):quinn%40example.com?secret=VJCSFD6MCVJBS2GTD7ABCDEFGHIJKLMN' +
  '&issuer=Twofold%20(Acme)&algorithm=SHA1&digits=6&period=30' +
  '&twofold_push=tfp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' +
  '&twofold_server=http%3A%2F%2F127.0.0.1%3A34567&twofold_tenant=acme';

describe('QR codes in images', () => {
  it('reads a code whose modules are uneven (3.2 pixels each), by binarising and rescaling (issue 15, defect 4)', async () => {
    expect(await decodeQrCodes(drawUnevenly(longUri, 214))).toEqual([longUri]);
    // A real screenshot (Chromium, device scale 1) of the registration page as it was before issue 15:
    // 67 modules in 214 pixels. zbarimg read it; the authenticator did not.
    const png = PNG.sync.read(
      readFileSync(new URL('./fixtures/qr/register-page-uneven-modules.png', import.meta.url)),
    );
    const [text] = await decodeQrCodes({ width: png.width, height: png.height, data: png.data });
    expect(text).toMatch(/^otpauth:\/\/totp\/Twofold%20\(Acme\):qr-1-900%40example\.com\?secret=/);
    expect(text).toContain('&twofold_tenant=acme');
  });

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
