/**
 * fastai's camel2snake, regex for regex: `AvgStats` → `avg_stats`, `TrainEval` → `train_eval`.
 * (Like fastai it turns `TerminateOnNaN` into `terminate_on_na_n`.)
 */
const WORD_START = /(.)([A-Z][a-z]+)/g;
const LOWER_UPPER = /([a-z0-9])([A-Z])/g;

export function camelToSnake(name: string): string {
  return name.replace(WORD_START, '$1_$2').replace(LOWER_UPPER, '$1_$2').toLowerCase();
}
