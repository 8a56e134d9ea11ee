/** dataInfo: what a run records about its data (records.ts DataInfo), from the loaded DataBunch. */
import type { DataInfo } from '../../../shared/records';
import { indexNames } from './class-names';
import type { DataBunch } from './data-bunch';

export function dataInfo(data: DataBunch): DataInfo {
  const source = data.source;
  return {
    classes: source?.classes ?? indexNames(data.c),
    input_shape: [...data.trainDs.shape],
    image: source?.image ?? null,
    train_size: data.trainDs.length,
    valid_size: data.validDs.length,
    skipped_count: source?.skipped?.count ?? 0,
    skipped: source?.skipped?.first ?? [],
  };
}
