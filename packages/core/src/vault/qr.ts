import type { Options, QRCode } from 'jsqr';
import { TwofoldError } from '../errors/index.js';
import { binarise, grayscale, resample } from './qr-resample.js';

/** Pixels as RGBA bytes, row by row (ImageData in browsers; pngjs/jpeg-js output in Node). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: Options) => QRCode | null;

let decoder: Promise<JsQr> | undefined;

/**
 * jsQR, loaded on first use: pages that never read a QR code do not carry it (bundlers split it out). It is
 * CommonJS, and bundlers and Node differ on whether the function is the default export or its `default`.
 */
function loadJsQr(): Promise<JsQr> {
  decoder ??= import('jsqr').then((module) => {
    const imported = module.default as unknown as JsQr | { default: JsQr };
    return typeof imported === 'function' ? imported : imported.default;
  });
  return decoder;
}

/** Largest image accepted: 50 megapixels. */
const MAX_PIXELS = 50_000_000;

function invalid(message: string): never {
  throw new TwofoldError('image_invalid', message);
}

/** Splits (columns × rows) tried when the whole image gives no code: several codes confuse the locator. */
const LAYOUTS: readonly [number, number][] = [
  [2, 1],
  [1, 2],
  [2, 2],
  [3, 1],
  [1, 3],
];
/** Images up to this size are also searched window by window (about 8 whole-image scans in all). */
const MAX_WINDOWED_PIXELS = 4_000_000;
/**
 * Scales tried, smoothed and binarised, when nothing else read a code (uneven modules in a screenshot):
 * smaller first, as they are quick and most often right; none makes an image over MAX_WINDOWED_PIXELS.
 */
const RESCALES: readonly number[] = [0.6, 0.75, 0.5, 0.85, 1.5, 2];

/** Reads codes until none is left, blanking each one found so the next search finds another. */
function readAll(
  jsQR: JsQr,
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  found: Set<string>,
  max: number,
): void {
  while (found.size < max) {
    const code = jsQR(pixels, width, height, { inversionAttempts: 'attemptBoth' });
    if (code === null) return;
    const before = found.size;
    found.add(code.data);
    const corners = [
      code.location.topLeftCorner,
      code.location.topRightCorner,
      code.location.bottomLeftCorner,
      code.location.bottomRightCorner,
    ];
    const xs = corners.map((point) => point.x);
    const ys = corners.map((point) => point.y);
    // Two modules of margin around the code (its width / (17 + 4·version) modules).
    const margin = 2 * Math.ceil((Math.max(...xs) - Math.min(...xs)) / (17 + 4 * code.version)) + 2;
    const left = Math.max(0, Math.floor(Math.min(...xs)) - margin);
    const right = Math.min(width - 1, Math.ceil(Math.max(...xs)) + margin);
    const top = Math.max(0, Math.floor(Math.min(...ys)) - margin);
    const bottom = Math.min(height - 1, Math.ceil(Math.max(...ys)) + margin);
    if (right < left || bottom < top) return;
    for (let y = top; y <= bottom; y++) pixels.fill(255, (y * width + left) * 4, (y * width + right + 1) * 4);
    if (found.size === before && before > 0) return; // the same code again: nothing new to find here
  }
}

function crop(
  pixels: Uint8ClampedArray,
  width: number,
  box: { left: number; top: number; width: number; height: number },
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * width + box.left) * 4;
    out.set(pixels.subarray(from, from + box.width * 4), y * box.width * 4);
  }
  return out;
}

/**
 * Reads the QR codes in an image (jsQR, ISO/IEC 18004) and returns their texts. After each code is read its
 * area is blanked and the image searched again; when the whole image gives nothing (several codes side by side
 * confuse the locator), overlapping windows are searched too, and then the image resampled to other scales and
 * binarised (a screenshot of a code with uneven modules, qr-resample.ts). Up to `maxCodes` (default 20) different texts.
 * Throws `qr_not_found` when there is none, `image_invalid` when the pixels do not match the size.
 */
export async function decodeQrCodes(
  image: RgbaImage,
  options: { maxCodes?: number } = {},
): Promise<string[]> {
  const { width, height } = image;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    invalid('the image has no pixels');
  }
  if (width * height > MAX_PIXELS) invalid(`the image is larger than ${MAX_PIXELS / 1_000_000} megapixels`);
  if (image.data.length !== width * height * 4) {
    invalid(`expected ${width * height * 4} bytes of RGBA pixels, got ${image.data.length}`);
  }
  const maxCodes = options.maxCodes ?? 20;
  const found = new Set<string>();
  const jsQR = await loadJsQr();
  readAll(jsQR, new Uint8ClampedArray(image.data), width, height, found, maxCodes);
  if (found.size === 0 && width * height <= MAX_WINDOWED_PIXELS) {
    const source = new Uint8ClampedArray(image.data);
    for (const [columns, rows] of LAYOUTS) {
      // Windows of one cell, stepped by half a cell, so a code across a cell border is whole in one of them.
      const cellWidth = Math.ceil(width / columns);
      const cellHeight = Math.ceil(height / rows);
      for (let row = 0; row <= 2 * (rows - 1); row++) {
        for (let column = 0; column <= 2 * (columns - 1); column++) {
          const left = Math.min(width - cellWidth, Math.floor((column * cellWidth) / 2));
          const top = Math.min(height - cellHeight, Math.floor((row * cellHeight) / 2));
          const box = { left, top, width: cellWidth, height: cellHeight };
          readAll(jsQR, crop(source, width, box), box.width, box.height, found, maxCodes);
        }
      }
    }
  }
  if (found.size === 0 && width * height <= MAX_WINDOWED_PIXELS) {
    const gray = grayscale(image.data, width, height);
    for (const factor of RESCALES) {
      if (found.size > 0 || width * height * factor * factor > MAX_WINDOWED_PIXELS) continue;
      const scaled = resample(gray, width, height, factor);
      readAll(jsQR, binarise(scaled.gray), scaled.width, scaled.height, found, maxCodes);
    }
  }
  if (found.size === 0) {
    throw new TwofoldError('qr_not_found', 'no QR code could be read in the image');
  }
  return [...found];
}
