/**
 * The New-run form's text ↔ config conversion. The form keeps what the person typed
 * (strings, so "1e-3" and a half-typed "0." survive); an empty box means "use the default"
 * shown as its placeholder. Validation is the shared zod schema, the same one the main
 * side runs again.
 */
import { fieldUnusedBy } from '../../../shared/field-use';
import {
  DEFAULT_HYPERPARAMS,
  FIELDS,
  validateHyperparams,
  type FieldError,
  type FieldKey,
  type FieldSpec,
  type Hyperparams,
} from '../../../shared/hyperparams';

export type DraftValues = Record<FieldKey, string>;

/** The text a field shows for a value. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The placeholder: the default, as it would be typed. */
export function placeholderFor(spec: FieldSpec): string {
  return fieldText(spec.default);
}

/** Empty text boxes; choices hold their default (a select always has a value). */
export function emptyDraft(): DraftValues {
  return Object.fromEntries(FIELDS.map((f) => [f.key, f.kind === 'choice' ? String(f.default) : ''])) as DraftValues;
}

/** Prefills from a config: values that differ from the defaults are typed in, the rest stay empty. */
export function draftFromConfig(config: Partial<Hyperparams>): DraftValues {
  const draft = emptyDraft();
  for (const f of FIELDS) {
    const value = (config as Record<string, unknown>)[f.key];
    if (value === undefined) continue;
    if (f.kind === 'choice') draft[f.key] = String(value);
    else if (JSON.stringify(value) !== JSON.stringify(DEFAULT_HYPERPARAMS[f.key])) draft[f.key] = fieldText(value);
  }
  return draft;
}

function parseNumberText(text: string): number {
  // Number('') is 0: an empty box is handled before this; anything unparsable becomes NaN,
  // which the schema reports as "<Label> must be a number".
  return Number(text.trim());
}

/** One field's typed text → the value the schema sees (undefined: use the default). */
export function parseFieldText(spec: FieldSpec, text: string): unknown {
  const trimmed = text.trim();
  switch (spec.kind) {
    case 'int':
    case 'number':
      return trimmed === '' ? undefined : parseNumberText(trimmed);
    case 'int-list':
      return trimmed === ''
        ? undefined
        : trimmed
            .split(/[\s,]+/)
            .filter((s) => s !== '')
            .map(parseNumberText);
    case 'choice':
      return trimmed === '' ? undefined : trimmed;
    case 'text':
      return text === '' ? undefined : text;
  }
}

/**
 * Which fields apply to the config being drawn (the rest are hidden and sent as defaults):
 * the fields a run of it would use (shared/field-use.ts, the rule Compare marks "not used" by).
 */
export function isFieldApplicable(key: FieldKey, choices: Pick<DraftValues, 'dataset' | 'model' | 'optimizer'>): boolean {
  return fieldUnusedBy(key, choices) === null;
}

export interface DraftCheck {
  /** The plain config to send (only the fields the person set, plus hidden fields that are valid). */
  config: Record<string, unknown>;
  /** The full validated config when there are no errors. */
  value: Hyperparams | null;
  /** Errors keyed by field; '(config)' for whole-config problems. */
  errors: Partial<Record<string, string>>;
  errorCount: number;
}

/**
 * Builds and validates the config from the draft. A hidden field keeps its value only if
 * that value is valid: an error the person cannot see must never block Start.
 */
export function checkDraft(draft: DraftValues): DraftCheck {
  const config: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const value = parseFieldText(f, draft[f.key] ?? '');
    if (value !== undefined) config[f.key] = value;
  }
  let result = validateHyperparams(config);
  if (!result.ok) {
    const hiddenBad = result.errors
      .map((e) => fieldKeyOf(e.field))
      .filter((key) => key in config && !isFieldApplicable(key as FieldKey, draft));
    if (hiddenBad.length > 0) {
      for (const key of hiddenBad) delete config[key];
      result = validateHyperparams(config);
    }
  }
  if (result.ok) return { config, value: result.value, errors: {}, errorCount: 0 };
  const errors = errorsByField(result.errors);
  return { config, value: null, errors, errorCount: Object.keys(errors).length };
}

/** The form field an error belongs to: the main side says "config.lr", a list item is "hidden.1". */
export function fieldKeyOf(errorField: string): string {
  return errorField.replace(/^config\./, '').split('.')[0] ?? errorField;
}

/** First message per field: "Learning rate must be greater than 0". */
export function errorsByField(list: readonly FieldError[]): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const e of list) {
    const key = fieldKeyOf(e.field);
    if (out[key] === undefined) out[key] = e.message;
  }
  return out;
}

/** "mnist, baseline ,, x" → ["mnist", "baseline", "x"]. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}
