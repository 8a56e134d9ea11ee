/** DataBunch: the training and validation loaders and the number of classes (fastai's DataBunch). */
import type { DataLoader } from './data-loader';
import type { DataSplit } from './dataset';
import type { Dataset } from './dataset';

/** What the source said about its data beyond the samples: class names, image preparation, skipped files. */
export type DataSource = Pick<DataSplit, 'classes' | 'image' | 'skipped'>;

export class DataBunch {
  constructor(
    readonly trainDl: DataLoader,
    readonly validDl: DataLoader,
    /** Number of classes: the model's output size. */
    readonly c: number,
    /** Absent for a bunch built by hand (tests): classes are then "0"…"c−1". */
    readonly source?: DataSource,
  ) {}

  get trainDs(): Dataset {
    return this.trainDl.dataset;
  }

  get validDs(): Dataset {
    return this.validDl.dataset;
  }
}
