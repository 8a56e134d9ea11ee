/**
 * Child process for the replaceFolder crash test: replaces folder $DIR over and over with two
 * files that both hold the generation number (a and b must always agree), starting after
 * generation $FROM, until it is killed.
 */
import { replaceFolder } from '../../../../src/main/fs/replace-folder';

const dir = process.env['DIR']!;
let generation = Number(process.env['FROM'] ?? '0');
const body = (n: number): string => `${n}\n`.padEnd(256 * 1024, '.');
process.stdout.write('ready\n');
for (;;) {
  generation++;
  await replaceFolder(dir, { a: body(generation), b: body(generation) });
}
