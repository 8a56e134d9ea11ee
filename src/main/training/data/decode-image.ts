/**
 * Image decoding with sharp (libvips; its prebuilt binary comes from npm): a file or buffer
 * to `size × size × channels` bytes (HWC), centre-cropped to a square then resized (fastai's
 * and torchvision's Resize + CenterCrop), transparency flattened onto black, converted to
 * grey or sRGB. Also the header facts (size, channels) without decoding the pixels.
 */
import sharp from 'sharp';
import { excerpt } from '../../../shared/excerpt';

// Many small images, each decoded once: libvips' operation cache only holds memory, and
// one thread per image (several images in flight) beats several threads on a tiny one.
sharp.cache(false);
sharp.concurrency(1);

export interface DecodeTarget {
  size: number;
  channels: 1 | 3;
}

export interface ImageHeader {
  width: number;
  height: number;
  /** Grey (one channel, maybe with alpha) or colour. */
  grey: boolean;
  format: string;
}

export type ImageSource = string | Buffer;

/** size × size × channels bytes. Rejects with a one-line reason when the image cannot be decoded. */
export async function decodeImage(source: ImageSource, target: DecodeTarget): Promise<Uint8Array> {
  try {
    let pipeline = sharp(source).flatten({ background: '#000000' }).resize(target.size, target.size, { fit: 'cover' });
    pipeline = target.channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const expected = target.size * target.size * target.channels;
    if (info.channels !== target.channels || data.length !== expected) {
      throw new Error(
        `decoded to ${info.width}×${info.height}×${info.channels}, expected ${target.size}×${target.size}×${target.channels}`,
      );
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    throw new Error(oneLine(err), { cause: err });
  }
}

export async function readImageHeader(source: ImageSource): Promise<ImageHeader> {
  try {
    const meta = await sharp(source).metadata();
    if (!meta.width || !meta.height) throw new Error('the image has no size');
    const channels = meta.channels ?? 3;
    return { width: meta.width, height: meta.height, grey: channels <= 2 || meta.space === 'b-w', format: meta.format ?? 'unknown' };
  } catch (err) {
    throw new Error(oneLine(err), { cause: err });
  }
}

/**
 * Whether an image is grey in content: stored with one channel, or colour whose channels
 * agree everywhere (a grey WebP, or a grey photo saved as RGB JPEG; 3 levels of slack for
 * JPEG's chroma noise), read on a 16 × 16 thumbnail.
 */
export async function looksGrey(source: ImageSource, header: ImageHeader): Promise<boolean> {
  if (header.grey) return true;
  const pixels = await decodeImage(source, { size: 16, channels: 3 });
  for (let i = 0; i < pixels.length; i += 3) {
    const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    if (Math.abs(r - g) > 3 || Math.abs(g - b) > 3 || Math.abs(r - b) > 3) return false;
  }
  return true;
}

/** Interleaved bytes (HWC) as a PNG, e.g. for a preview thumbnail. */
export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> {
  let pipeline = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length), { raw: { width, height, channels } });
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  return pipeline.png().toBuffer();
}

/** libvips' messages can span lines and quote bytes: one short printable line for a person (excerpt's rules). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
  return excerpt(line) || 'unknown error';
}
