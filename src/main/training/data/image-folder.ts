/**
 * loadImageFolder: an image-folder dataset (image-folder-scan.ts) decoded to one size and
 * channel count, split and normalized. A train/valid layout keeps its folders; otherwise a
 * seeded stratified split holds out `validFraction` of every class. Pixels are normalized
 * with the train set's mean/std per channel. Decoded images are cached per folder, size and
 * channels (image-folder-cache.ts) and reused while no file changes. A file that cannot be
 * decoded fails the load, named in one line, unless `skipBadFiles`: then it is left out and
 * the split reports how many were.
 */
import type { ImageChannelsChoice, ImageSizeChoice } from '../../../shared/hyperparams';
import type { SkippedFile } from '../../../shared/records';
import { deriveSeed } from '../random';
import { DataError } from './data-error';
import type { DataSplit } from './dataset';
import { decodeImage, looksGrey, readImageHeader, type DecodeTarget } from './decode-image';
import { imageCacheFile, listingFingerprint, readImageCache, writeImageCache, type DecodedImages } from './image-folder-cache';
import { scanImageFolder, type ImageFolderScan } from './image-folder-scan';
import { channelStats, pixelDataset } from './normalize';
import { stratifiedSplit, takeRows } from './split';

export interface ImageFolderOptions {
  imageSize: ImageSizeChoice;
  channels: ImageChannelsChoice;
  validFraction: number;
  seed: number;
  skipBadFiles: boolean;
  cacheDir: string;
  /** Files decoded so far of all (0 of n first, n of n last); not called for a cached load. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImageFolderLoad extends DataSplit {
  from: 'cache' | 'decoded';
  scan: ImageFolderScan;
}

/** Keeps the image split stream apart from other streams derived from the run seed. */
const SPLIT_STREAM = 0x1a6e;
/** Headers read to resolve `auto` size and channels, spread over the whole listing. */
const AUTO_SAMPLE = 32;
/** Images decoded at once: enough to keep sharp's worker threads busy. */
const IN_FLIGHT = 8;
const PROGRESS_EVERY = 100;

export async function loadImageFolder(root: string, options: ImageFolderOptions): Promise<ImageFolderLoad> {
  const scan = await scanImageFolder(root);
  const target = await resolveImageTarget(scan, options);
  const fingerprint = listingFingerprint(scan.classes, scan.files);
  const cacheFile = imageCacheFile(options.cacheDir, root, target.size, target.channels);
  let images = await readImageCache(cacheFile, fingerprint);
  const from = images ? 'cache' : 'decoded';
  if (!images) {
    images = await decodeAll(scan, target, options);
    await writeImageCache(cacheFile, images, fingerprint).catch((err: Error) => {
      // The load itself succeeded; the next run decodes again.
      process.stderr.write(`runlab: could not write the image cache ${cacheFile}: ${err.message}\n`);
    });
  }
  if (images.skipped.length > 0 && !options.skipBadFiles) throw undecodable(images.skipped[0]!, images.skipped.length);
  return { ...splitImages(scan, images, options), from, scan };
}

/**
 * The size and channels images are decoded to: as chosen, or for `auto` from a sample of the
 * files — 28 where every sampled image is 28×28 (else 32), grey where every one is grey.
 */
export async function resolveImageTarget(
  scan: ImageFolderScan,
  choice: { imageSize: ImageSizeChoice; channels: ImageChannelsChoice },
): Promise<DecodeTarget> {
  let headers: { width: number; height: number; grey: boolean }[] = [];
  if (choice.imageSize === 'auto' || choice.channels === 'auto') {
    const step = Math.max(1, Math.floor(scan.files.length / AUTO_SAMPLE));
    const sample = scan.files.filter((_, i) => i % step === 0).slice(0, AUTO_SAMPLE);
    const read = await Promise.all(
      sample.map(async (f) => {
        try {
          const header = await readImageHeader(f.path);
          return { ...header, grey: choice.channels === 'auto' ? await looksGrey(f.path, header) : header.grey };
        } catch {
          // An unreadable file is the decoder's to report; the sample just goes without it.
          return null;
        }
      }),
    );
    headers = read.filter((h) => h !== null);
  }
  const all28 = headers.length > 0 && headers.every((h) => h.width === 28 && h.height === 28);
  const allGrey = headers.length > 0 && headers.every((h) => h.grey);
  const size = choice.imageSize === 'auto' ? (all28 ? 28 : 32) : Number(choice.imageSize);
  const channels = choice.channels === 'auto' ? (allGrey ? 1 : 3) : choice.channels === 'grey' ? 1 : 3;
  return { size, channels };
}

async function decodeAll(scan: ImageFolderScan, target: DecodeTarget, options: ImageFolderOptions): Promise<DecodedImages> {
  const total = scan.files.length;
  const sample = target.size * target.size * target.channels;
  const pixels = new Uint8Array(total * sample);
  const ok = new Uint8Array(total);
  const skipped: SkippedFile[] = [];
  let next = 0;
  let done = 0;
  let failure: SkippedFile | null = null;
  options.onProgress?.(0, total);
  const worker = async (): Promise<void> => {
    while (next < total && failure === null) {
      const i = next++;
      const file = scan.files[i]!;
      try {
        pixels.set(await decodeImage(file.path, target), i * sample);
        ok[i] = 1;
      } catch (err) {
        const bad = { file: file.path, reason: (err as Error).message };
        if (!options.skipBadFiles) failure ??= bad;
        skipped.push(bad);
      }
      done++;
      if (done % PROGRESS_EVERY === 0 && done < total) options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total) }, worker));
  if (failure !== null) throw undecodable(failure, 1);
  options.onProgress?.(total, total);
  const kept = Int32Array.from({ length: total }, (_, i) => i).filter((i) => ok[i] === 1);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    classes: scan.classes,
    size: target.size,
    channels: target.channels,
    pixels: kept.length === total ? pixels : takeRows(pixels, kept, sample),
    labels: Int32Array.from(kept, (i) => scan.files[i]!.label),
    parts: Uint8Array.from(kept, (i) => partCode(scan.files[i]!.part)),
    skipped,
  };
}

function splitImages(scan: ImageFolderScan, images: DecodedImages, options: ImageFolderOptions): DataSplit {
  const { size, channels } = images;
  const sample = size * size * channels;
  const split =
    scan.layout === 'train-valid'
      ? {
          train: indicesWhere(images.parts, 1),
          valid: indicesWhere(images.parts, 2),
        }
      : stratifiedSplit(images.labels, options.validFraction, deriveSeed(options.seed, SPLIT_STREAM));
  if (split.train.length === 0) throw new DataError(`${scan.root}: no training images could be decoded`, scan.root);
  if (split.valid.length === 0) {
    const where = scan.validFolder ? `${scan.root}/${scan.validFolder} holds no images` : `too few images to hold out a validation set`;
    throw new DataError(`${scan.root}: no validation images: ${where}`, scan.root);
  }
  const trainPixels = takeRows(images.pixels, split.train, sample);
  const validPixels = takeRows(images.pixels, split.valid, sample);
  const stats = channelStats(trainPixels, channels);
  const shape = [size, size, channels];
  return {
    train: pixelDataset(trainPixels, takeRows(images.labels, split.train, 1), shape, stats),
    valid: pixelDataset(validPixels, takeRows(images.labels, split.valid, 1), shape, stats),
    c: images.classes.length,
    classes: images.classes,
    image: { height: size, width: size, channels, mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) },
    skipped: { count: images.skipped.length, first: images.skipped.slice(0, 20) },
  };
}

function undecodable(first: SkippedFile, count: number): DataError {
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return new DataError(
    `${first.file}: cannot decode the image (${first.reason})${more}; fix or remove it, or turn on "Skip undecodable files" (--skip-bad-files on)`,
    first.file,
  );
}

function partCode(part: 'train' | 'valid' | null): number {
  return part === 'train' ? 1 : part === 'valid' ? 2 : 0;
}

function indicesWhere(parts: Uint8Array, code: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) if (parts[i] === code) out.push(i);
  return Int32Array.from(out);
}
