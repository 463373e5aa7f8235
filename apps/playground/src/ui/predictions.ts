import { cifar10Classes } from '@lantern/data';

/**
 * The prediction grid: a fixed set of test images, each with the class the model picks (green when right, red when
 * wrong), its confidence, and the true class. The worker sends the pixels once and new predictions as it learns.
 */
export class PredictionGrid {
  private labels: number[] = [];
  private tiles: Array<{ predicted: HTMLElement; truth: HTMLElement; tile: HTMLElement }> = [];
  updates = 0;

  constructor(private readonly container: HTMLElement) {}

  setImages(images: readonly Uint8ClampedArray[], labels: readonly number[]): void {
    this.labels = [...labels];
    this.container.replaceChildren();
    this.tiles = images.map((pixels, index) => {
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 32;
      canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels), 32, 32), 0, 0);
      const predicted = Object.assign(document.createElement('span'), { className: 'predicted', textContent: '…' });
      const truth = Object.assign(document.createElement('span'), {
        className: 'truth',
        textContent: `true: ${cifar10Classes[labels[index]!]}`,
      });
      const tile = document.createElement('div');
      tile.className = 'tile';
      tile.append(canvas, predicted, truth);
      this.container.append(tile);
      return { predicted, truth, tile };
    });
    this.container.dataset.updates = '0';
  }

  show(predicted: readonly number[], confidence: readonly number[]): void {
    this.tiles.forEach(({ predicted: label, tile }, index) => {
      const guess = predicted[index]!;
      label.textContent = `${cifar10Classes[guess]} ${(confidence[index]! * 100).toFixed(0)}%`;
      tile.classList.toggle('right', guess === this.labels[index]);
      tile.classList.toggle('wrong', guess !== this.labels[index]);
    });
    this.updates++;
    this.container.dataset.updates = String(this.updates);
  }
}
