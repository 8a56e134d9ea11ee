/** `runlab predict RUN_ID FILE…`: a run's model on image files — the most likely classes of each, best first. */
import { Command, Option } from 'commander';
import type { CheckpointName } from '../../shared/analysis';
import { CliError } from './cli-error';
import { checkpointOption, openRunModel } from './run-model';

interface PredictFlags {
  json?: boolean;
  checkpoint?: CheckpointName;
  top: string;
}

export function predictCommand(dataDir: () => string | undefined): Command {
  return new Command('predict')
    .description("Classify image files with a run's model (its best checkpoint unless --checkpoint last)")
    .argument('<run-id>', 'the run whose model to use')
    .argument('<files...>', 'PNG, JPEG or WebP files')
    .addOption(checkpointOption())
    .addOption(new Option('--top <n>', 'how many classes to list per file').default('5'))
    .option('--json', 'JSON Lines on stdout: one object per file, {file, checkpoint, top: [{label, probability}]}')
    .action(async (id: string, files: string[], flags: PredictFlags) => {
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1 || top > 100)
        throw new CliError(`--top: expected a whole number from 1 to 100, got ${JSON.stringify(flags.top)}`, 2);
      const { data, modelDir } = await openRunModel(dataDir(), id);
      const { predictImages } = await import('../training/inference/predict');
      const images = files.map((file) => ({ name: file, source: file }));
      const result = await predictImages(modelDir, data, images, { checkpoint: flags.checkpoint, top }).catch((err: Error) => {
        throw new CliError(err.message);
      });
      for (const r of result.results) {
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ file: r.name, checkpoint: result.checkpoint, top: r.top })}\n`);
        } else {
          const best = r.top.map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`).join(' · ');
          process.stdout.write(`${r.name}: ${best}\n`);
        }
      }
    });
}
