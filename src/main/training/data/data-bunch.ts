/** DataBunch: the training and validation loaders and the number of classes (fastai's DataBunch). */
import type { DataLoader } from './data-loader';

export class DataBunch {
  constructor(
    readonly trainDl: DataLoader,
    readonly validDl: DataLoader,
    /** Number of classes: the model's output size. */
    readonly c: number,
  ) {}

  get trainDs() {
    return this.trainDl.dataset;
  }

  get validDs() {
    return this.validDl.dataset;
  }
}
