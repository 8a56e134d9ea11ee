/**
 * `runlab interpret RUN_ID`: fastai's ClassificationInterpretation of a run's model on its
 * validation set — confusion matrix, accuracy per class, most confused pairs, top losses.
 */
import { Command, Option } from 'commander';
import type { CheckpointName, Interpretation } from '../../shared/analysis';
import { CliError } from './cli-error';
import { checkpointOption, openRunModel } from './run-model';
import { formatTable } from './table';

interface InterpretFlags {
  json?: boolean;
  checkpoint?: CheckpointName;
  topLosses: string;
}

export function interpretCommand(dataDir: () => string | undefined): Command {
  return new Command('interpret')
    .description("Interpret a run's model on its validation set: confusion matrix, per-class accuracy, most confused, top losses")
    .argument('<run-id>', 'the run to interpret')
    .addOption(checkpointOption())
    .addOption(new Option('--top-losses <n>', 'how many of the worst-predicted samples to list').default('9'))
    .option('--json', 'one JSON object: classes, confusion_matrix (rows: actual, in class order), per_class, most_confused, top_losses')
    .action(async (id: string, flags: InterpretFlags) => {
      const topLosses = Number(flags.topLosses);
      if (!Number.isInteger(topLosses) || topLosses < 0 || topLosses > 100) {
        throw new CliError(`--top-losses: expected a whole number from 0 to 100, got ${JSON.stringify(flags.topLosses)}`, 2);
      }
      const { run, data, modelDir, cacheDir } = await openRunModel(dataDir(), id);
      const { interpretRun } = await import('../training/inference/interpret');
      const result = await interpretRun(run.config, modelDir, data, { checkpoint: flags.checkpoint, topLosses, data: { cacheDir } }).catch(
        (err: Error) => {
          throw new CliError(err.message);
        },
      );
      // Images are for the UI; a terminal gets the numbers (--json keeps them, as PNG data URLs).
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${describe(result)}\n`);
    });
}

function describe(r: Interpretation): string {
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
  const lines = [
    `${r.count} validation samples, accuracy ${pct(r.accuracy)} (checkpoint: ${r.checkpoint})`,
    '',
    'confusion matrix (rows: actual, columns: predicted)',
  ];
  lines.push(
    ...formatTable(
      ['actual \\ predicted', ...r.classes],
      r.confusion_matrix.map((row, a) => [r.classes[a]!, ...row.map(String)]),
      ['left', ...r.classes.map(() => 'right' as const)],
    ),
  );
  lines.push(
    '',
    ...formatTable(
      ['class', 'samples', 'accuracy'],
      r.per_class.map((c) => [c.label, String(c.count), pct(c.accuracy)]),
      ['left', 'right', 'right'],
    ),
  );
  if (r.most_confused.length > 0) {
    lines.push('', 'most confused (actual → predicted: count)');
    for (const m of r.most_confused.slice(0, 10)) lines.push(`  ${m.actual} → ${m.predicted}: ${m.count}`);
  }
  if (r.top_losses.length > 0) {
    lines.push('');
    lines.push(
      ...formatTable(
        ['top loss', 'sample', 'actual', 'predicted', 'probability', 'loss'],
        r.top_losses.map((t, i) => [String(i + 1), String(t.index), t.actual, t.predicted, t.probability.toFixed(3), t.loss.toFixed(3)]),
        ['right', 'right', 'left', 'left', 'right', 'right'],
      ),
    );
  }
  return lines.join('\n');
}
