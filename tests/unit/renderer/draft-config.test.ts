import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, PRESETS } from '../../../src/shared/hyperparams';
import {
  checkDraft,
  draftFromConfig,
  emptyDraft,
  errorsByField,
  isFieldApplicable,
  parseFieldText,
  parseTags,
} from '../../../src/renderer/src/lib/draft-config';
import { FIELDS } from '../../../src/shared/hyperparams';

const spec = (key: string) => FIELDS.find((f) => f.key === key)!;

describe('the New-run form draft', () => {
  it('an empty form is the defaults, and valid', () => {
    const check = checkDraft(emptyDraft());
    expect(check.errorCount).toBe(0);
    expect(check.value).toEqual(DEFAULT_HYPERPARAMS);
    // Only choices are sent explicitly; empty boxes mean "default".
    expect(Object.keys(check.config).sort()).toEqual([
      'backend',
      'batchNorm',
      'channels',
      'dataset',
      'imageSize',
      'model',
      'optimizer',
      'schedule',
      'skipBadFiles',
    ]);
  });

  it('accepts learning rates typed as 1e-3 and lists typed as "100, 50"', () => {
    expect(parseFieldText(spec('lr'), '1e-3')).toBe(0.001);
    expect(parseFieldText(spec('hidden'), '100, 50')).toEqual([100, 50]);
    expect(parseFieldText(spec('hidden'), '100 50,')).toEqual([100, 50]);
    expect(parseFieldText(spec('epochs'), '  ')).toBeUndefined();
    const check = checkDraft({ ...emptyDraft(), lr: '1e-3', hidden: '100,50' });
    expect(check.value?.lr).toBe(0.001);
    expect(check.value?.hidden).toEqual([100, 50]);
  });

  it('refuses lr = -1 with an error that names the field', () => {
    const check = checkDraft({ ...emptyDraft(), lr: '-1' });
    expect(check.value).toBeNull();
    expect(check.errors).toEqual({ lr: 'Learning rate must be greater than 0' });
  });

  it('refuses batch size 0, text in a number box, and a bad list item', () => {
    expect(checkDraft({ ...emptyDraft(), batchSize: '0' }).errors.batchSize).toBe('Batch size must be at least 1');
    expect(checkDraft({ ...emptyDraft(), epochs: 'abc' }).errors.epochs).toBe('Epochs must be a number');
    expect(checkDraft({ ...emptyDraft(), epochs: '2.5' }).errors.epochs).toBe('Epochs must be a whole number');
    expect(checkDraft({ ...emptyDraft(), hidden: '100,x' }).errors.hidden).toBe('Hidden sizes: each size must be a number');
  });

  it('requires a data path for idx and csv, on the data path field', () => {
    const check = checkDraft({ ...emptyDraft(), dataset: 'idx' });
    expect(check.errors.dataPath).toBe('Data path is required for the idx dataset');
  });

  it('hides fields that do not apply', () => {
    const d = emptyDraft();
    expect(isFieldApplicable('dataPath', d)).toBe(false);
    expect(isFieldApplicable('dataPath', { ...d, dataset: 'csv' })).toBe(true);
    expect(isFieldApplicable('validFraction', { ...d, dataset: 'idx' })).toBe(false);
    expect(isFieldApplicable('validFraction', { ...d, dataset: 'images' })).toBe(true);
    for (const key of ['imageSize', 'channels', 'skipBadFiles'] as const) {
      expect(isFieldApplicable(key, d)).toBe(false);
      expect(isFieldApplicable(key, { ...d, dataset: 'images' })).toBe(true);
    }
    expect(isFieldApplicable('hidden', { ...d, model: 'cnn' })).toBe(false);
    expect(isFieldApplicable('filters', d)).toBe(false);
    expect(isFieldApplicable('filters', { ...d, model: 'cnn' })).toBe(true);
    expect(isFieldApplicable('momentum', d)).toBe(false);
    expect(isFieldApplicable('momentum', { ...d, optimizer: 'adam' })).toBe(true);
  });

  it('an invalid value in a hidden field never blocks Start: it falls back to the default', () => {
    const check = checkDraft({ ...emptyDraft(), model: 'cnn', hidden: '0' });
    expect(check.errorCount).toBe(0);
    expect(check.value?.hidden).toEqual(DEFAULT_HYPERPARAMS.hidden);
    // A valid hidden value is kept (so "New run from this one" round-trips).
    expect(checkDraft({ ...emptyDraft(), model: 'cnn', hidden: '64' }).value?.hidden).toEqual([64]);
  });

  it('prefilling from a config round-trips, typing in only what differs from the defaults', () => {
    const preset = PRESETS.find((p) => p.id === 'mlp-onecycle')!;
    const draft = draftFromConfig(preset.config);
    expect(draft.hidden).toBe('100,50');
    expect(draft.lr).toBe('0.1');
    expect(draft.batchSize).toBe('');
    expect(draft.optimizer).toBe('momentum');
    const config = { ...DEFAULT_HYPERPARAMS, ...preset.config };
    expect(checkDraft(draftFromConfig(config)).value).toEqual(config);
  });

  it('maps the main side\'s "config.lr" and list-item errors onto form fields', () => {
    expect(
      errorsByField([
        { field: 'config.lr', message: 'Learning rate must be greater than 0' },
        { field: 'hidden.1', message: 'Hidden sizes: each size must be at least 1' },
        { field: 'config.lr', message: 'second message is ignored' },
      ]),
    ).toEqual({ lr: 'Learning rate must be greater than 0', hidden: 'Hidden sizes: each size must be at least 1' });
  });

  it('tags are trimmed, de-duplicated and empty ones dropped', () => {
    expect(parseTags(' mnist, baseline ,, mnist,x ')).toEqual(['mnist', 'baseline', 'x']);
    expect(parseTags('')).toEqual([]);
  });
});
