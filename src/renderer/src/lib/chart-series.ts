/** What Chart.svelte draws: named series of points with a colour and a style. */
import type { Point } from './series';

export interface ChartSeries {
  /** Stable key for the dataset (run id + metric). */
  id: string;
  label: string;
  color: string;
  /**
   * The points. Plain arrays that may be appended in place by their owner, who then bumps
   * Chart.svelte's `version`; replacing the `series` array also redraws.
   */
  points: Point[];
  /** 'line' (default), 'points' (markers only) or 'line-points' (few points: epochs). */
  style?: 'line' | 'points' | 'line-points';
  /** Drawn thin and translucent under its smoothed twin; left out of the legend. */
  faint?: boolean;
  dashed?: boolean;
  /**
   * A band's edge: 'lower' is drawn invisibly, 'upper' fills down to the series just before it
   * (its lower edge), translucent in its colour. Both stay out of the legend and tooltip.
   */
  band?: 'lower' | 'upper';
  /**
   * A seed group's mean line: its points carry their band's bounds (BandPoint: lo, hi),
   * which the tooltip shows after the mean, named by what the band spans.
   */
  bounds?: 'minmax' | 'std';
}

export type TickFormat = 'number' | 'percent' | 'lr' | 'int';
