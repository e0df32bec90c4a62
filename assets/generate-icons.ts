/**
 * Draws kubezt's tray and app icons from geometry, so they are reproducible and need no image
 * tools: `node assets/generate-icons.ts` rewrites assets/tray/** and assets/icon.png, and a test
 * checks that the committed files are exactly what this produces.
 *
 * Tray states (main/app/state.ts): healthy (WARP connected, current context reachable), unhealthy
 * (connected, current context failing), disconnected (WARP off), unknown.
 * - macOS: template images (black + alpha; the menu bar recolours them), 16 px and @2x 32 px;
 *   states differ by glyph, since colour is not available.
 * - Windows: .ico with PNG-compressed 16…48 px images (valid since Windows Vista).
 * - Linux: 24 px PNG and @2x 48 px; a filled, coloured hexagon that reads on light and dark panels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

export type IconState = 'healthy' | 'unhealthy' | 'disconnected' | 'unknown';
export const ICON_STATES: readonly IconState[] = ['healthy', 'unhealthy', 'disconnected', 'unknown'];

type Rgba = readonly [number, number, number, number];
/** A shape in unit coordinates (0..1 both ways, y down). */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  color: Rgba;
}

const SQRT3_2 = Math.sqrt(3) / 2;

/** Pointy-top regular hexagon (the Kubernetes outline) of circumradius r around the centre. */
function hexagon(r: number): Shape {
  const apothem = r * SQRT3_2;
  return (x, y) => {
    const px = Math.abs(x - 0.5);
    const py = Math.abs(y - 0.5);
    // Flat sides left/right (|x| ≤ apothem), slanted sides through the top and bottom vertices.
    return px <= apothem && px * 0.5 + py * SQRT3_2 <= apothem;
  };
}

function ring(outer: number, inner: number): Shape {
  const o = hexagon(outer);
  const i = hexagon(inner);
  return (x, y) => o(x, y) && !i(x, y);
}

function disc(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A stroke with round caps: every point within `w/2` of the segment. */
function stroke(x1: number, y1: number, x2: number, y2: number, w: number): Shape {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  return (x, y) => {
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
    const ex = x - (x1 + t * dx);
    const ey = y - (y1 + t * dy);
    return ex * ex + ey * ey <= (w / 2) ** 2;
  };
}

function union(...shapes: Shape[]): Shape {
  return (x, y) => shapes.some((s) => s(x, y));
}

function glyph(state: IconState, weight: number): Shape {
  switch (state) {
    case 'healthy':
      return union(stroke(0.33, 0.52, 0.45, 0.64, weight), stroke(0.45, 0.64, 0.68, 0.38, weight));
    case 'unhealthy':
      return union(stroke(0.5, 0.29, 0.5, 0.53, weight), disc(0.5, 0.7, weight * 0.6));
    case 'disconnected':
      return stroke(0.33, 0.67, 0.67, 0.33, weight);
    case 'unknown':
      return union(disc(0.32, 0.5, weight * 0.5), disc(0.5, 0.5, weight * 0.5), disc(0.68, 0.5, weight * 0.5));
  }
}

const BLACK: Rgba = [0, 0, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const FILL: Record<IconState, Rgba> = {
  healthy: [26, 127, 55, 255],
  unhealthy: [191, 135, 0, 255],
  disconnected: [110, 119, 129, 255],
  unknown: [140, 149, 159, 255],
};

function templateLayers(state: IconState): Layer[] {
  const faded: Rgba = [0, 0, 0, state === 'disconnected' || state === 'unknown' ? 150 : 255];
  return [
    { shape: ring(0.48, 0.36), color: faded },
    { shape: glyph(state, 0.13), color: BLACK },
  ];
}

function colourLayers(state: IconState): Layer[] {
  if (state === 'unknown') {
    return [
      { shape: ring(0.48, 0.34), color: FILL.unknown },
      { shape: glyph(state, 0.13), color: FILL.unknown },
    ];
  }
  return [
    { shape: hexagon(0.48), color: FILL[state] },
    { shape: glyph(state, 0.12), color: WHITE },
  ];
}

function appIconLayers(): Layer[] {
  return [
    { shape: hexagon(0.47), color: [243, 128, 32, 255] },
    { shape: ring(0.33, 0.25), color: WHITE },
    { shape: disc(0.5, 0.5, 0.09), color: WHITE },
  ];
}

/** Rasterises layers with 4×4 supersampling and "over" compositing; premultiplied internally. */
export function rasterize(size: number, layers: readonly Layer[]): Buffer {
  const n = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const layer of layers) {
            if (!layer.shape(x, y)) continue;
            const la = layer.color[3] / 255;
            cr = layer.color[0] * la + cr * (1 - la);
            cg = layer.color[1] * la + cg * (1 - la);
            cb = layer.color[2] * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const samples = n * n;
      const alpha = a / samples;
      const i = (py * size + px) * 4;
      out[i] = alpha > 0 ? Math.round(r / samples / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / samples / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / samples / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/** RGBA, 8 bits per channel, no interlace, filter 0 on every row. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An .ico whose images are PNGs (ICONDIR + ICONDIRENTRY per size + the PNG bytes). */
export function encodeIco(images: readonly { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

export const ICO_SIZES = [16, 20, 24, 32, 40, 48] as const;

/** Every generated file, by path relative to assets/. */
export function renderIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const png = (size: number, layers: Layer[]) => encodePng(size, rasterize(size, layers));
  for (const state of ICON_STATES) {
    files.set(`tray/macos/tray-${state}Template.png`, png(16, templateLayers(state)));
    files.set(`tray/macos/tray-${state}Template@2x.png`, png(32, templateLayers(state)));
    files.set(`tray/linux/tray-${state}.png`, png(24, colourLayers(state)));
    files.set(`tray/linux/tray-${state}@2x.png`, png(48, colourLayers(state)));
    files.set(
      `tray/windows/tray-${state}.ico`,
      encodeIco(ICO_SIZES.map((size) => ({ size, png: png(size, colourLayers(state)) }))),
    );
  }
  files.set('icon.png', png(512, appIconLayers()));
  return files;
}

export function writeIcons(assetsDir: string): string[] {
  const written: string[] = [];
  for (const [rel, bytes] of renderIcons()) {
    const file = path.join(assetsDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    written.push(rel);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of writeIcons(dir)) console.log(`assets/${rel}`);
}
