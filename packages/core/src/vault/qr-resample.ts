/**
 * Second chances for a QR code that jsQR cannot read as it is: a screenshot of a code drawn at a size
 * that is not a whole number of pixels a module (modules 3 and 4 pixels wide, edges grey) defeats its
 * sampling grid. Resampled smoothly to another scale and binarised with one global threshold (Otsu),
 * the modules even out and the grey edges go (issue 15, defect 4).
 */

/** Luma (ITU-R BT.601) of RGBA pixels. */
export function grayscale(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = (rgba[i * 4]! * 299 + rgba[i * 4 + 1]! * 587 + rgba[i * 4 + 2]! * 114) / 1000;
  }
  return out;
}

/** Bilinear resampling by `factor` (pixel centres aligned). */
export function resample(
  gray: Uint8Array,
  width: number,
  height: number,
  factor: number,
): { gray: Uint8Array; width: number; height: number } {
  const w = Math.max(1, Math.round(width * factor));
  const h = Math.max(1, Math.round(height * factor));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const ty = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const tx = sx - x0;
      const top = gray[y0 * width + x0]! * (1 - tx) + gray[y0 * width + x1]! * tx;
      const bottom = gray[y1 * width + x0]! * (1 - tx) + gray[y1 * width + x1]! * tx;
      out[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return { gray: out, width: w, height: h };
}

/** The threshold that best splits the histogram into two classes (Otsu, 1979). */
export function otsuThreshold(gray: Uint8Array): number {
  const histogram = new Array<number>(256).fill(0);
  for (const value of gray) histogram[value]!++;
  let total = 0;
  for (let i = 0; i < 256; i++) total += i * histogram[i]!;
  let below = 0;
  let belowSum = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    below += histogram[t]!;
    if (below === 0) continue;
    const above = gray.length - below;
    if (above === 0) break;
    belowSum += t * histogram[t]!;
    const spread = below * above * (belowSum / below - (total - belowSum) / above) ** 2;
    if (spread > best) {
      best = spread;
      threshold = t;
    }
  }
  return threshold;
}

/** Black and white RGBA pixels of a grey image, split at its Otsu threshold. */
export function binarise(gray: Uint8Array): Uint8ClampedArray {
  const threshold = otsuThreshold(gray);
  const out = new Uint8ClampedArray(gray.length * 4);
  for (let i = 0; i < gray.length; i++) {
    const value = gray[i]! > threshold ? 255 : 0;
    out[i * 4] = value;
    out[i * 4 + 1] = value;
    out[i * 4 + 2] = value;
    out[i * 4 + 3] = 255;
  }
  return out;
}
