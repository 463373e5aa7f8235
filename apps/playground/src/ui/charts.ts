import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * The two live charts, drawn with uPlot (a small canvas charting library that redraws thousands of points in a
 * frame): the training loss against the step, and the test accuracy against the epoch.
 */

const accent = '#d9480f';
const secondary = '#1c7ed6';

function sizeOf(container: HTMLElement, height: number): { width: number; height: number } {
  return { width: Math.max(260, container.clientWidth), height };
}

abstract class LiveChart {
  protected readonly xs: number[] = [];
  protected readonly ys: number[] = [];
  private readonly plot: uPlot;
  private pending = false;

  constructor(
    private readonly container: HTMLElement,
    options: Omit<uPlot.Options, 'width' | 'height'>,
    height: number,
  ) {
    this.plot = new uPlot({ ...options, ...sizeOf(container, height) }, [[], []], container);
    new ResizeObserver(() => this.plot.setSize(sizeOf(container, height))).observe(container);
  }

  /** Redraws at most once a frame, however many reports arrive. */
  protected redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.xs, this.ys]);
      // What is drawn, also as attributes: the browser test reads them, and they cost nothing to keep.
      this.container.dataset.points = String(this.xs.length);
      this.container.dataset.first = String(this.ys[0] ?? '');
      this.container.dataset.last = String(this.ys.at(-1) ?? '');
    });
  }

  clear(): void {
    this.xs.length = 0;
    this.ys.length = 0;
    this.redraw();
  }
}

export class LossChart extends LiveChart {
  constructor(container: HTMLElement) {
    super(
      container,
      {
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'loss', size: 56 }],
        series: [{ label: 'step' }, { label: 'loss', stroke: accent, width: 2, points: { show: false } }],
        legend: { show: false },
      },
      280,
    );
  }

  add(points: ReadonlyArray<readonly [number, number]>): void {
    for (const [step, loss] of points) {
      this.xs.push(step);
      this.ys.push(loss);
    }
    this.redraw();
  }
}

export class AccuracyChart extends LiveChart {
  constructor(container: HTMLElement) {
    super(
      container,
      {
        scales: { x: { time: false }, y: { range: [0, 100] } },
        axes: [
          { label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100] },
          { label: 'accuracy %', size: 56 },
        ],
        series: [
          { label: 'epoch' },
          { label: 'accuracy %', stroke: secondary, width: 2, points: { show: true, size: 8, fill: secondary } },
        ],
        legend: { show: false },
      },
      190,
    );
  }

  add(epoch: number, accuracy: number): void {
    this.xs.push(epoch);
    this.ys.push(accuracy * 100);
    this.redraw();
  }
}
