/** DataBunch: the training and validation loaders and the number of classes (fastai's DataBunch). */
import type { DataLoader } from './data-loader';
import type { Dataset } from './dataset';

export class DataBunch {
  constructor(
    readonly trainDl: DataLoader,
    readonly validDl: DataLoader,
    /** Number of classes: the model's output size. */
    readonly c: number,
  ) {}

  get trainDs(): Dataset {
    return this.trainDl.dataset;
  }

  get validDs(): Dataset {
    return this.validDl.dataset;
  }
}
