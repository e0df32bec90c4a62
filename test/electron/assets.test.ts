import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICO_SIZES, ICON_STATES, renderIcons } from '../../assets/generate-icons.ts';
import { TRAY_ICON_STATES } from '../../main/app/state.ts';
import { trayIconPath } from '../../main/electron/glue.ts';

const ASSETS = path.resolve(import.meta.dirname, '../../assets');

/** A strict PNG reader: signature, chunk CRCs, IHDR, and IDAT that inflates to exactly the pixel rows. */
function readPng(bytes: Buffer): { width: number; height: number; colourType: number; alpha: Buffer } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Buffer[] = [];
  let ended = false;
  while (off < bytes.length) {
    const len = bytes.readUInt32BE(off);
    const type = bytes.toString('ascii', off + 4, off + 8);
    const data = bytes.subarray(off + 8, off + 8 + len);
    expect(bytes.readUInt32BE(off + 8 + len), `CRC of ${type}`).toBe(crc32(bytes.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      colourType = data[9] ?? -1;
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    off += 12 + len;
  }
  expect(ended).toBe(true);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (width * 4 + 1));
  const alpha = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)], 'filter type').toBe(0);
    for (let x = 0; x < width; x++) alpha[y * width + x] = raw[y * (width * 4 + 1) + 1 + x * 4 + 3] ?? 0;
  }
  return { width, height, colourType, alpha };
}

function readIco(bytes: Buffer): { size: number; png: Buffer }[] {
  expect(bytes.readUInt16LE(0)).toBe(0);
  expect(bytes.readUInt16LE(2)).toBe(1);
  const count = bytes.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const e = 6 + i * 16;
    const size = bytes[e] === 0 ? 256 : (bytes[e] ?? 0);
    const length = bytes.readUInt32LE(e + 8);
    const offset = bytes.readUInt32LE(e + 12);
    return { size, png: bytes.subarray(offset, offset + length) };
  });
}

describe('tray and app icons', () => {
  it('exist for every tray state on every platform, as the glue names them', () => {
    expect([...ICON_STATES]).toEqual([...TRAY_ICON_STATES]);
    for (const state of TRAY_ICON_STATES) {
      const mac = readPng(readFileSync(trayIconPath(path.join(ASSETS, 'tray'), 'darwin', state)));
      expect([mac.width, mac.height]).toEqual([16, 16]);
      const mac2x = readPng(
        readFileSync(trayIconPath(path.join(ASSETS, 'tray'), 'darwin', state).replace(/\.png$/, '@2x.png')),
      );
      expect([mac2x.width, mac2x.height]).toEqual([32, 32]);
      const linux = readPng(readFileSync(trayIconPath(path.join(ASSETS, 'tray'), 'linux', state)));
      expect([linux.width, linux.height]).toEqual([24, 24]);
      const ico = readIco(readFileSync(trayIconPath(path.join(ASSETS, 'tray'), 'win32', state)));
      expect(ico.map((i) => i.size)).toEqual([...ICO_SIZES]);
      for (const { size, png } of ico) expect(readPng(png).width).toBe(size);
    }
  });

  it('macOS template images are black with alpha only, and show something', () => {
    for (const state of TRAY_ICON_STATES) {
      const bytes = readFileSync(path.join(ASSETS, 'tray', 'macos', `tray-${state}Template@2x.png`));
      const raw = inflateSync(Buffer.concat(chunks(bytes, 'IDAT')));
      let opaque = 0;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const p = y * (32 * 4 + 1) + 1 + x * 4;
          if ((raw[p + 3] ?? 0) > 0) {
            opaque++;
            expect([raw[p], raw[p + 1], raw[p + 2]]).toEqual([0, 0, 0]);
          }
        }
      }
      expect(opaque).toBeGreaterThan(100);
    }
  });

  it('the four states look different from each other, in colour and in the template (shape only)', () => {
    const pixels = (file: string) => inflateSync(Buffer.concat(chunks(readFileSync(file), 'IDAT'))).toString('hex');
    const colour = TRAY_ICON_STATES.map((s) => pixels(path.join(ASSETS, 'tray', 'linux', `tray-${s}@2x.png`)));
    expect(new Set(colour).size).toBe(4);
    const shapes = TRAY_ICON_STATES.map((s) =>
      readPng(readFileSync(path.join(ASSETS, 'tray', 'macos', `tray-${s}Template@2x.png`))).alpha.toString('hex'),
    );
    expect(new Set(shapes).size).toBe(4);
  });

  it('the committed files are exactly what assets/generate-icons.ts draws', () => {
    for (const [rel, bytes] of renderIcons()) {
      expect(
        readFileSync(path.join(ASSETS, rel)).equals(bytes),
        `${rel} is stale: run node assets/generate-icons.ts`,
      ).toBe(true);
    }
    expect(readPng(readFileSync(path.join(ASSETS, 'icon.png'))).width).toBe(512);
  });
});

function chunks(bytes: Buffer, want: string): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 8; off < bytes.length; ) {
    const len = bytes.readUInt32BE(off);
    if (bytes.toString('ascii', off + 4, off + 8) === want) out.push(bytes.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  return out;
}
