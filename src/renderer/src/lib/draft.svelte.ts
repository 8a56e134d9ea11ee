/**
 * DraftState: the New-run form's contents, shared so that "New run from this one" in
 * History or Live can prefill it before switching to the form.
 */
import { PRESETS, type Hyperparams } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { draftFromConfig, emptyDraft, type DraftValues } from './draft-config';

export class DraftState {
  values = $state<DraftValues>(emptyDraft());
  name = $state('');
  tags = $state('');
  notes = $state('');
  /** The run or preset the draft came from, shown above the form. */
  origin = $state<string | null>(null);

  reset(): void {
    this.values = emptyDraft();
    this.name = '';
    this.tags = '';
    this.notes = '';
    this.origin = null;
  }

  applyPreset(id: string): void {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset) return;
    this.values = draftFromConfig(preset.config);
    this.origin = `Preset: ${preset.label}`;
  }

  fromRun(run: RunRecord): void {
    this.values = draftFromConfig(run.config as Hyperparams);
    this.name = '';
    this.tags = run.tags.join(', ');
    this.notes = '';
    this.origin = `Based on run “${run.name || run.id}”`;
  }
}
