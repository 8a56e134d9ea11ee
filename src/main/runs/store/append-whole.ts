/**
 * appendWhole: appends whole lines to a file, all or nothing. A write that fails part-way (a
 * full disk) is cut back to where the file ended, so the next append never runs into half a
 * line; and a file whose last line lacks its newline (torn by a crash) gets one first, so
 * the torn line stays one bad line and the new rows stay rows.
 */
import { open } from 'node:fs/promises';

export async function appendWhole(file: string, text: string): Promise<void> {
  // 'a+': appends, and can read the last byte. Creates the file, never the folder (ENOENT).
  const handle = await open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let data = text;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) data = `\n${text}`;
    }
    try {
      await handle.appendFile(data, 'utf8');
    } catch (error) {
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}
