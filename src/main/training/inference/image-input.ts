/**
 * imageInput: an image file (or its bytes) as one input of a run's model — decoded to the
 * size and channels the run trained on (centre-crop, resize), normalized with the run's train
 * mean/std per channel, in the order the model reads (HWC, flat or [h, w, c] alike).
 */
import type { DataInfo } from '../../../shared/records';
import { decodeImage, type ImageSource } from '../data/decode-image';
import { normalizeChannels } from '../data/normalize';

export async function imageInput(source: ImageSource, data: DataInfo): Promise<Float32Array> {
  const image = data.image;
  if (image === null) throw new Error('this run trained on tabular data (CSV), not images: it cannot take an image');
  if (image.width !== image.height)
    throw new Error(`this run's images are ${image.width}×${image.height}; only square sizes are supported`);
  const pixels = await decodeImage(source, { size: image.width, channels: image.channels });
  // The training images' own formula (normalize.ts), so a training image becomes the very floats it trained as.
  return normalizeChannels(
    pixels,
    image.mean.map((mean, c) => ({ mean, std: image.std[c]! })),
  );
}

/** The inverse, for showing a sample: normalized HWC values back to bytes. */
export function inputPixels(x: ArrayLike<number>, data: DataInfo): Uint8Array {
  const image = data.image!;
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % image.channels;
    const std = image.std[c]! > 0 ? image.std[c]! : 1;
    out[i] = Math.max(0, Math.min(255, Math.round((x[i]! * std + image.mean[c]!) * 255)));
  }
  return out;
}
