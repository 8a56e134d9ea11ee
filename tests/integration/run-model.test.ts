/**
 * A trained run's model, for real: a 3-class image folder trained through the CLI, then
 * `runlab predict` on known images, `runlab interpret` on its validation set, and the same
 * through LabService (inference in a trainer process), the model download as a zip, and the
 * refusals (no such run, a file that is not an image, a run without a checkpoint).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../../src/shared/api';
import type { Interpretation } from '../../src/shared/analysis';
import { LabService } from '../../src/main/lab';
import { RunStore } from '../../src/main/runs/store/store';
import { encodeImage, patternPixels } from '../helpers/image-folders';
import { writeImageFolder } from '../helpers/image-folders';
import { lines, startRunlab } from '../helpers/runlab-cli';

let home: string;
let runId: string;
let squarePng: string;
let stripesJpg: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-run-model-'));
  const data = join(home, 'shapes');
  await writeImageFolder(data, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 50, seed: 4 });
  const trained = await startRunlab(['train', '--dataset', 'images', '--data-path', data, '--epochs', '3', '--lr', '0.1', '--json'], home)
    .done;
  expect(trained.code).toBe(0);
  runId = (JSON.parse(lines(trained.stdout).at(-1)!) as { run_id: string }).run_id;
  // New images the model has never seen, drawn the same way (another seed), one PNG and one JPEG.
  let seed = 77;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  squarePng = join(home, 'a-square.png');
  await writeFile(squarePng, await encodeImage(patternPixels('square', 28, 28, 1, random), 28, 28, 1, 'png'));
  stripesJpg = join(home, 'some-stripes.jpg');
  await writeFile(stripesJpg, await encodeImage(patternPixels('stripes-v', 56, 56, 3, random), 56, 56, 3, 'jpeg'));
}, 120_000);

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;

describe('runlab predict', () => {
  it('--json gives each file its top classes as {label, probability}, best first', async () => {
    const { code, stdout, stderr } = await runlab('predict', runId, squarePng, stripesJpg, '--json');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    const results = lines(stdout).map(
      (l) => JSON.parse(l) as { file: string; checkpoint: string; top: { label: string; probability: number }[] },
    );
    expect(results.map((r) => r.file)).toEqual([squarePng, stripesJpg]);
    expect(results.map((r) => r.top[0]!.label)).toEqual(['square', 'stripes-v']);
    for (const r of results) {
      expect(r.checkpoint).toBe('best');
      expect(r.top.map((t) => t.label).sort()).toEqual(['square', 'stripes-h', 'stripes-v']);
      const p = r.top.map((t) => t.probability);
      expect([...p].sort((a, b) => b - a)).toEqual(p);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p[0]!).toBeGreaterThan(0.5);
    }
  });

  it('names a file that is not an image, and a run that does not exist', async () => {
    const text = join(home, 'notes.png');
    await writeFile(text, 'not an image');
    const bad = await runlab('predict', runId, text);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`error: ${text}: Input file contains unsupported image format`);
    const missing = await runlab('predict', '20200101-000000-none', squarePng);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: Run 20200101-000000-none not found');
  });
});

describe('runlab interpret', () => {
  it('--json has the confusion matrix with rows in class order, the classes, per-class accuracy and top losses', async () => {
    const { code, stdout } = await runlab('interpret', runId, '--json', '--top-losses', '4');
    expect(code).toBe(0);
    const r = JSON.parse(lines(stdout).at(-1)!) as Interpretation;
    const run = await new RunStore(home).get(runId);
    expect(r.classes).toEqual(['square', 'stripes-h', 'stripes-v']);
    expect(r.count).toBe(run.data!.valid_size);
    expect(r.confusion_matrix).toHaveLength(3);
    // Rows are the actual classes in order: each row sums to that class's validation count (10 of 50).
    expect(r.confusion_matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10]);
    expect(r.per_class.map((c) => c.label)).toEqual(r.classes);
    // The interpretation agrees with the run's own last validation accuracy.
    expect(r.accuracy).toBeCloseTo(run.summary!.final!.valid_accuracy!, 5);
    expect(r.top_losses).toHaveLength(4);
    expect(r.top_losses.map((t) => t.loss)).toEqual([...r.top_losses.map((t) => t.loss)].sort((a, b) => b - a));
    expect(r.top_losses[0]!.image).toMatch(/^data:image\/png;base64,/);
  });

  it('prints a table a person reads', async () => {
    const { code, stdout } = await runlab('interpret', runId, '--top-losses', '2');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^30 validation samples, accuracy \d+\.\d% \(checkpoint: best\)$/m);
    expect(stdout).toContain('confusion matrix (rows: actual, columns: predicted)');
    expect(stdout).toMatch(/^actual \\ predicted\s+square\s+stripes-h\s+stripes-v$/m);
  });
});

describe('LabService: predict, interpret and downloadModel', () => {
  let service: LabService;
  beforeAll(async () => {
    service = await LabService.open({ dataDir: home });
  });
  afterAll(async () => {
    await service.close();
  });

  const refusal = async (p: Promise<unknown>): Promise<LabError> => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  };

  it('predicts base64 images in a trainer process, as the CLI does', async () => {
    const { readFile } = await import('node:fs/promises');
    const data = (await readFile(squarePng)).toString('base64');
    const result = await service.call('predict', { id: runId, images: [{ name: 'drawn.png', data }] });
    expect(result.checkpoint).toBe('best');
    expect(result.results[0]!.name).toBe('drawn.png');
    expect(result.results[0]!.top[0]!.label).toBe('square');
    const bad = await refusal(
      service.call('predict', { id: runId, images: [{ name: 'x.png', data: Buffer.from('nope').toString('base64') }] }),
    );
    expect(bad).toMatchObject({ code: 'invalid', message: 'x.png: Input buffer contains unsupported image format' });
    expect(await refusal(service.call('predict', { id: runId, images: [{ name: 'x.png', data: 'not base64!' }] }))).toMatchObject({
      code: 'invalid',
      field: 'images.0.data',
    });
    expect(await refusal(service.call('predict', { id: runId, images: [] }))).toMatchObject({ field: 'images' });
  });

  it('interprets through a trainer process with the same numbers as the CLI', async () => {
    const r = await service.call('interpret', { id: runId });
    expect(r.classes).toEqual(['square', 'stripes-h', 'stripes-v']);
    expect(r.confusion_matrix.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(await refusal(service.call('interpret', { id: runId, checkpoint: 'worst' as never }))).toMatchObject({ field: 'checkpoint' });
  });

  it('downloads the model as a zip: model.json, its weights and classes.json with the class names', async () => {
    const file = await service.call('downloadModel', { id: runId, checkpoint: 'last' });
    expect(file.filename).toMatch(/-last-model\.zip$/);
    expect(file.mime).toBe('application/zip');
    const entries = unzipSync(Buffer.from(file.base64, 'base64'));
    expect(Object.keys(entries).sort()).toEqual(['classes.json', 'model.json', 'weights.bin']);
    const classes = JSON.parse(new TextDecoder().decode(entries['classes.json'])) as {
      classes: string[];
      checkpoint: string;
      image: unknown;
    };
    expect(classes).toMatchObject({ classes: ['square', 'stripes-h', 'stripes-v'], checkpoint: 'last', image: { width: 28, channels: 1 } });
    const model = JSON.parse(new TextDecoder().decode(entries['model.json'])) as { format: string };
    expect(model.format).toBe('layers-model');
  });

  it('refuses a run that has no checkpoint yet, naming the run', async () => {
    const run = await new RunStore(home).create({ config: (await new RunStore(home).get(runId)).config, ownerPid: null });
    await new RunStore(home).update(run.id, (r) => ({ ...r, status: 'failed', data: (r.data ?? undefined) as never }));
    const e = await refusal(service.call('downloadModel', { id: run.id }));
    expect(e.code).toBe('not_found');
    const noData = await refusal(service.call('predict', { id: run.id, images: [{ name: 'a.png', data: 'AAAA' }] }));
    expect(noData.message).toMatch(/^Run .+ has no record of its data/);
  });
});
