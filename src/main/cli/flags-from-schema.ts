/**
 * Command-line flags derived from the hyperparameter schema: one flag per field, with its
 * help, default and bounds, so `runlab train --help` and the New-run form cannot disagree.
 */
import { Option, type Command } from 'commander';
import { FIELDS, PRESETS, type FieldKey, type FieldSpec } from '../../shared/hyperparams';
import { CliError } from './cli-error';

export type Field = FieldSpec & { key: FieldKey };

const GROUP_HEADINGS: Record<FieldSpec['group'], string> = {
  data: 'Data:',
  model: 'Model:',
  training: 'Training:',
  stopping: 'Stopping:',
  system: 'System:',
};

export function addFieldOptions(command: Command): Command {
  for (const field of FIELDS) {
    const option = new Option(`--${field.flag} <${placeholder(field)}>`, `${field.help} ${bounds(field)}`.trim())
      .default(field.default, defaultText(field))
      .helpGroup(GROUP_HEADINGS[field.group]);
    command.addOption(option);
  }
  return command;
}

/**
 * The config the person asked for: a preset if named, then every flag given on the
 * command line (defaults are left to the schema, so a preset's values are not overridden).
 */
export function configFromFlags(command: Command, presetId: string | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = { ...presetConfig(presetId) };
  for (const { field, raw } of givenFieldFlags(command)) config[field.key] = parseFlagValue(field, raw);
  return config;
}

/**
 * The field flags given on the command line (defaults left out), in schema order, each with
 * what was typed: `runlab train` reads one value from each, `runlab sweep` a list or range.
 */
export function givenFieldFlags(command: Command): Array<{ field: Field; raw: unknown }> {
  const values = command.opts<Record<string, unknown>>();
  return FIELDS.filter((field) => command.getOptionValueSource(attributeName(field)) === 'cli').map((field) => ({
    field,
    raw: values[attributeName(field)],
  }));
}

/** `lr` → `--lr`, `batchSize` → `--batch-size`, `hidden.1` → `--hidden`: errors name what the person typed. */
export function flagForField(path: string): string | undefined {
  const key = path.split('.')[0];
  const field = FIELDS.find((f) => f.key === key);
  return field ? `--${field.flag}` : undefined;
}

export function presetConfig(presetId: string | undefined): Record<string, unknown> {
  if (presetId === undefined) return {};
  const preset = PRESETS.find((p) => p.id === presetId);
  if (!preset) {
    throw new CliError(`--preset: unknown preset ${JSON.stringify(presetId)}; expected one of: ${PRESETS.map((p) => p.id).join(', ')}`, 2);
  }
  return preset.config;
}

/** Strings become numbers where the schema wants numbers; what cannot be read is left for zod to name. */
export function parseFlagValue(field: Field, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  switch (field.kind) {
    case 'int':
    case 'number':
      return toNumber(raw);
    case 'int-list':
      return raw.split(',').map(toNumber);
    default:
      return raw;
  }
}

/** Plain decimal notation only: Number() would also take '0x2', '0b1', 'Infinity' and ' '. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(text: string): number | string {
  const trimmed = text.trim();
  // What is not a decimal number is left as text, for the schema to name ("must be a number").
  return DECIMAL.test(trimmed) ? Number(trimmed) : text;
}

function attributeName(field: Field): string {
  return new Option(`--${field.flag} <value>`).attributeName();
}

function placeholder(field: Field): string {
  switch (field.kind) {
    case 'int':
      return 'n';
    case 'number':
      return 'x';
    case 'int-list':
      return 'n,n,...';
    case 'choice':
      return 'name';
    case 'text':
      return 'text';
  }
}

function bounds(field: Field): string {
  switch (field.kind) {
    case 'int':
      return `[whole number, ${field.min}..${field.max}]`;
    case 'number':
      return `[${field.exclusiveMin ? `> ${field.min}` : `≥ ${field.min}`}, ≤ ${field.max}]`;
    case 'int-list':
      return `[${field.minItems}-${field.maxItems} whole numbers, each ${field.min}..${field.max}]`;
    case 'choice':
      return `[choices: ${field.options.join(', ')}]`;
    case 'text':
      return '';
  }
}

function defaultText(field: Field): string {
  if (field.kind === 'int-list') return field.default.join(',');
  if (field.kind === 'text') return field.default === '' ? 'none' : field.default;
  return String(field.default);
}
