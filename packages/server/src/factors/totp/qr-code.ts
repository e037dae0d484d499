import QRCode from 'qrcode';

/** The quiet zone around a QR code, in modules (ISO/IEC 18004 asks for 4). */
export const qrQuietZoneModules = 4;
/** The largest side the code is drawn at on the page, in CSS pixels (it must fit a 375 px phone). */
export const qrMaxSidePx = 264;

/**
 * An SVG QR code of `text` (a registration's otpauth URI): error correction level M, which phone
 * cameras read easily off a screen, a quiet zone of 4 modules, and an intrinsic size of a whole number
 * of pixels per module (at most `qrMaxSidePx`), drawn with crisp edges: shown at that size every module
 * is the same whole number of pixels at device scale 1 and 2, which decoders need from a screenshot
 * (issue 15, defect 4; at 3.2 pixels a module, uneven modules defeated the authenticator's decoder).
 */
export async function renderQrCodeSvg(text: string): Promise<string> {
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size + 2 * qrQuietZoneModules;
  const pixelsPerModule = Math.max(2, Math.floor(qrMaxSidePx / modules));
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: qrQuietZoneModules,
    width: modules * pixelsPerModule,
  });
}
