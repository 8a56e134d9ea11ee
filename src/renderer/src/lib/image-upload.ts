/**
 * Pictures on their way to predict: a dropped or chosen file, or a drawing, as base64 PNG
 * bytes small enough for one message (the longest side scaled down to at most 256 pixels;
 * the lab resizes to the run's own size anyway).
 */
import { MAX_PREDICT_IMAGE_BASE64 } from '../../../shared/api';

export const MAX_SIDE = 256;

export interface UploadImage {
  name: string;
  /** Base64 PNG, as predict takes it. */
  data: string;
  /** A data URL of the same PNG, to show beside the answer. */
  url: string;
}

export async function fileToUpload(file: File): Promise<UploadImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name}: the browser cannot read this file as an image`);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvasToUpload(canvas, file.name);
}

export function canvasToUpload(canvas: HTMLCanvasElement, name: string): UploadImage {
  const url = canvas.toDataURL('image/png');
  const data = url.slice(url.indexOf(',') + 1);
  if (data.length > MAX_PREDICT_IMAGE_BASE64) throw new Error(`${name}: too big to send even scaled down`);
  return { name, data, url };
}
