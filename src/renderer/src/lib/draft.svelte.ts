/**
 * DraftState: the New-run form's contents, shared so that "New run from this one" in
 * History or Live can prefill it before switching to the form. The sweep (which fields are
 * swept, grid or random, the repeat) is part of the draft: it stays while the person moves
 * between views (not across a reload, like the rest of the draft); Reset and "New run from
 * this one" clear it, a preset keeps it.
 */
import { FIELDS, PRESETS, type FieldKey, type Hyperparams } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { draftFromConfig, emptyDraft, type DraftValues } from './draft-config';
import { emptySweep, sweepTextFor, textAfterSweep, type SweepDraft } from './sweep-draft';

export class DraftState {
  values = $state<DraftValues>(emptyDraft());
  name = $state('');
  tags = $state('');
  notes = $state('');
  sweep = $state<SweepDraft>(emptySweep());
  /** The run or preset the draft came from, shown above the form. */
  origin = $state<string | null>(null);

  reset(): void {
    this.values = emptyDraft();
    this.name = '';
    this.tags = '';
    this.notes = '';
    this.sweep = emptySweep();
    this.origin = null;
  }

  applyPreset(id: string): void {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset) return;
    // Only the fields' values: the name, tags, notes and the sweep (what the person typed for it) stay.
    this.values = draftFromConfig(preset.config);
    this.origin = `Preset: ${preset.label}`;
  }

  fromRun(run: RunRecord): void {
    this.values = draftFromConfig(run.config as Hyperparams);
    this.name = '';
    this.tags = run.tags.join(', ');
    this.notes = '';
    this.sweep = emptySweep();
    this.origin = `Based on run “${run.name || run.id}”`;
  }

  /** Sweeps a field (its box starts with the value it held) or stops (it keeps the first swept value). */
  toggleSweep(key: FieldKey): void {
    const spec = FIELDS.find((f) => f.key === key);
    if (!spec) return;
    const text = this.sweep.fields[key];
    if (text === undefined) {
      this.sweep.fields[key] = sweepTextFor(spec, this.values[key]);
    } else {
      this.values[key] = textAfterSweep(spec, text, this.values[key]);
      delete this.sweep.fields[key];
    }
  }

  /** The sweep bar closed: every field back to one value, the settings to their defaults. */
  endSweep(): void {
    for (const key of Object.keys(this.sweep.fields) as FieldKey[]) this.toggleSweep(key);
    this.sweep = emptySweep();
  }
}
