import QRCode from 'qrcode';

/**
 * An SVG QR code of `text` (a registration's otpauth URI): error correction level M, which
 * phone cameras read easily off a screen, and a one-module quiet zone (the page adds white
 * around it).
 */
export function renderQrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}
