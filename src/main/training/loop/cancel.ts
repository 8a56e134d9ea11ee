/**
 * The Runner's control-flow exceptions (fastai 04_callbacks). A callback throws one to skip
 * the rest of a batch, of an epoch, or of the whole fit; the Runner catches each at its
 * level, fires `after_cancel_batch`, `after_cancel_epoch` or `after_cancel_train`, and goes on.
 */
export class CancelBatchException extends Error {
  override readonly name = 'CancelBatchException';
  constructor(message = 'batch cancelled') {
    super(message);
  }
}

export class CancelEpochException extends Error {
  override readonly name = 'CancelEpochException';
  constructor(message = 'epoch cancelled') {
    super(message);
  }
}

export class CancelTrainException extends Error {
  override readonly name = 'CancelTrainException';
  constructor(message = 'training cancelled') {
    super(message);
  }
}
