import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { renderQrCodeSvg } from './qr-code.js';

const zbarAvailable = spawnSync('zbarimg', ['--version']).status === 0;

const uri =
  'otpauth://totp/Twofold%20(Acme%20Corp):alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' +
  '&issuer=Twofold%20(Acme%20Corp)&algorithm=SHA1&digits=6&period=30' +
  '&twofold_push=tfp_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

/** Reads the dark modules back out of the SVG (`M x y.5 h n m dx dy ...` strokes), quiet zone included. */
function modulesOf(svg: string): boolean[][] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of path.matchAll(/([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?/g)) {
    if (command === 'M') [x, y] = [Number(a), Number(b)];
    else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let i = 0; i < Number(a); i++) grid[Math.floor(y)]![x + i] = true;
      x += Number(a);
    }
  }
  return grid;
}

describe('renderQrCodeSvg', () => {
  it('draws exactly the modules of the URI’s QR code (level M, a four-module quiet zone)', async () => {
    const svg = await renderQrCodeSvg(uri);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const drawn = modulesOf(svg);
    const qr = QRCode.create(uri, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const quiet = 4;
    expect(drawn).toHaveLength(size + 2 * quiet);
    for (let row = 0; row < size + 2 * quiet; row++) {
      for (let column = 0; column < size + 2 * quiet; column++) {
        const inside = row >= quiet && column >= quiet && row < size + quiet && column < size + quiet;
        const expected = inside && qr.modules.get(row - quiet, column - quiet) === 1;
        expect(drawn[row]![column], `module ${row},${column}`).toBe(expected);
      }
    }
  });

  it('is a whole number of pixels a module, crisp, and fits a phone (issue 15, defect 4)', async () => {
    for (const text of [
      uri,
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP',
      `${uri}&twofold_server=${'x'.repeat(200)}`,
    ]) {
      const svg = await renderQrCodeSvg(text);
      const modules = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
      const width = Number(/ width="(\d+)" height="\1"/.exec(svg)?.[1]);
      expect(width % modules, text).toBe(0);
      expect(width / modules).toBeGreaterThanOrEqual(2);
      expect(width).toBeLessThanOrEqual(264);
      expect(svg).toContain('shape-rendering="crispEdges"');
    }
  });

  it.skipIf(!zbarAvailable)('decodes back to the URI with an independent reader (zbarimg)', async () => {
    const modules = modulesOf(await renderQrCodeSvg(uri));
    // Rendered as a greyscale PGM, 4 pixels a module; the SVG's own margin is the quiet zone.
    const scale = 4;
    const border = 0;
    const width = modules.length * scale + 2 * border;
    const pixels = Buffer.alloc(width * width, 255);
    modules.forEach((line, row) => {
      line.forEach((dark, column) => {
        if (!dark) return;
        for (let dy = 0; dy < scale; dy++) {
          const offset = (border + row * scale + dy) * width + border + column * scale;
          pixels.fill(0, offset, offset + scale);
        }
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'twofold-qr-'));
    try {
      const file = join(dir, 'code.pgm');
      writeFileSync(file, Buffer.concat([Buffer.from(`P5 ${width} ${width} 255\n`), pixels]));
      const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], {
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(uri);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
