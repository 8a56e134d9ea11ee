/**
 * gunzipBounded: decompresses a gzip buffer as a stream, asking `limitFor` after each chunk
 * how big the whole output may be (given what has come out so far), and stopping as soon as
 * it is passed. A gzip bomb — a few kB that inflate to gigabytes — then fails after its first
 * chunk, not after minutes and gigabytes of memory.
 */
import { createGunzip } from 'node:zlib';
import { DataError } from './data-error';

export type OutputLimit = (head: Buffer) => number;

/** `limitFor` may throw a DataError (a header that is wrong already); it sees at most the first 64 kB. */
export function gunzipBounded(data: Buffer, path: string, limitFor: OutputLimit): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const chunks: Buffer[] = [];
    let total = 0;
    let limit: number | null = null;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      total += chunk.length;
      try {
        // Ask again while the output is short: the header may not all be out yet.
        if (limit === null || total <= 64 * 1024) limit = limitFor(chunks.length === 1 ? chunk : Buffer.concat(chunks, total));
      } catch (error) {
        return fail(error as Error);
      }
      if (total > limit)
        fail(
          new DataError(
            `${path}: decompresses to more than ${limit.toLocaleString('en-US')} bytes; the file is not what its header says (or is a gzip bomb)`,
            path,
          ),
        );
    });
    gunzip.on('error', (error) => fail(new DataError(`${path}: gzip data is corrupt (${error.message})`, path)));
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    gunzip.end(data);
  });
}
