import { type RgbaImage, TwofoldError } from '@twofold/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** True when the bytes are a PNG or JPEG file. */
export function isImage(bytes: Uint8Array): boolean {
  return startsWith(bytes, PNG_MAGIC) || startsWith(bytes, JPEG_MAGIC);
}

/** Decodes a PNG (pngjs) or JPEG (jpeg-js) file to RGBA pixels; throws `image_invalid`. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (startsWith(bytes, PNG_MAGIC)) {
      const png = PNG.sync.read(buffer);
      return { width: png.width, height: png.height, data: png.data };
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      const image = jpeg.decode(buffer, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: 50,
        maxMemoryUsageInMB: 512,
      });
      return { width: image.width, height: image.height, data: image.data };
    }
  } catch (error) {
    throw new TwofoldError(
      'image_invalid',
      `the image could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  throw new TwofoldError('image_invalid', 'the file is neither a PNG nor a JPEG image');
}
