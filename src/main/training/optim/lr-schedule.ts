/** The learning-rate schedules a run can ask for, as the course's annealers. */
import type { Hyperparams } from '../../../shared/hyperparams';
import { combineScheds, schedCos, schedExp, schedLin, type Sched } from './annealers';

/** fastai's fit_one_cycle shape: 30% warm-up from lr/25, then cosine down to lr/1e5. */
const ONE_CYCLE = { warmup: 0.3, startDiv: 25, endDiv: 1e5 };

/**
 * The lr schedule over training progress 0 → 1; null for constant. linear and cosine decay
 * to 0, exponential to lr/100 (it cannot reach 0).
 */
export function lrSchedule(config: Pick<Hyperparams, 'schedule' | 'lr'>): Sched | null {
  const { lr } = config;
  switch (config.schedule) {
    case 'constant':
      return null;
    case 'linear':
      return schedLin(lr, 0);
    case 'cosine':
      return schedCos(lr, 0);
    case 'exponential':
      return schedExp(lr, lr / 100);
    case 'one-cycle':
      return combineScheds(
        [ONE_CYCLE.warmup, 1 - ONE_CYCLE.warmup],
        [schedCos(lr / ONE_CYCLE.startDiv, lr), schedCos(lr, lr / ONE_CYCLE.endDiv)],
      );
  }
}
