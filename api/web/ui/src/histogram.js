import { Type } from 'apache-arrow';
import { decimal } from './format.js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const MAX_BINS = 64;

/**
 * A histogram of one numeric column, counted batch by batch as the data streams past, in bounded
 * memory: bins of equal width from 0, and when the values need more than MAX_BINS of them, the
 * width doubles and neighbouring bins merge.
 */
export class StreamedHistogram {
  #counts = new Map();
  #width = 0;
  count = 0;
  nulls = 0;

  /** Counts the values of one Arrow vector. */
  add(vector) {
    // Decimals as their decimal values, not their unscaled integers.
    const values = vector.type?.typeId === Type.Decimal ?
      Array.from({ length: vector.length }, (_, i) => (vector.isValid(i) ? Number(decimal(vector.get(i), vector.type.scale)) : NaN)) :
      vector.toArray();
    const validity = vector.nullCount > 0;
    // Whole-number bins for integers: never narrower than 1.
    if (this.#width === 0) this.#width = initialWidth(values, vector.type?.typeId === Type.Int);
    for (let i = 0; i < values.length; i++) {
      if (validity && !vector.isValid(i)) {
        this.nulls++;
        continue;
      }
      const value = Number(values[i]);
      if (!Number.isFinite(value)) continue;
      const bin = Math.floor(value / this.#width);
      this.#counts.set(bin, (this.#counts.get(bin) || 0) + 1);
      this.count++;
    }
    while (this.#span() > MAX_BINS) this.#merge();
  }

  /** The bins in order, as `{from, to, count}`, empty bins between them included. */
  bins() {
    if (this.#counts.size === 0) return [];
    const keys = [...this.#counts.keys()];
    const first = Math.min(...keys);
    const last = Math.max(...keys);
    const bins = [];
    for (let bin = first; bin <= last; bin++) {
      bins.push({ from: bin * this.#width, to: (bin + 1) * this.#width, count: this.#counts.get(bin) || 0 });
    }
    return bins;
  }

  #span() {
    if (this.#counts.size === 0) return 0;
    const keys = [...this.#counts.keys()];
    return Math.max(...keys) - Math.min(...keys) + 1;
  }

  #merge() {
    const merged = new Map();
    for (const [bin, count] of this.#counts) {
      const wider = Math.floor(bin / 2);
      merged.set(wider, (merged.get(wider) || 0) + count);
    }
    this.#counts = merged;
    this.#width *= 2;
  }
}

function initialWidth(values, integers) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = Number(values[i]);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min;
  if (!Number.isFinite(range) || range <= 0) return 1;
  // A power of two, so that doubling keeps the bin edges round.
  const width = 2 ** Math.ceil(Math.log2(range / (MAX_BINS / 2)));
  return integers ? Math.max(1, width) : width;
}

/** Draws histograms into one canvas, redrawing at most once per animation frame. */
export class HistogramChart {
  #chart;
  #pending = false;

  constructor(canvas) {
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'rows', data: [], backgroundColor: '#3d6fb6', barPercentage: 0.92, categoryPercentage: 1 }] },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
  }

  show(histogram) {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#draw(histogram);
    });
  }

  /** Draws now: the last picture of a finished fetch. */
  #draw(histogram) {
    this.#chart.canvas.parentElement.hidden = false;
    const bins = histogram.bins();
    this.#chart.data.labels = bins.map((bin) => `${compact(bin.from)}–${compact(bin.to)}`);
    this.#chart.data.datasets[0].data = bins.map((bin) => bin.count);
    this.#chart.update();
    // What the bars show, for tests and assistive tools that cannot read a canvas.
    this.#chart.canvas.dataset.total = String(bins.reduce((sum, bin) => sum + bin.count, 0));
    this.#chart.canvas.dataset.bars = String(bins.length);
  }

  final(histogram) {
    this.#draw(histogram);
  }

  clear() {
    this.#chart.canvas.parentElement.hidden = true;
    this.#chart.data.labels = [];
    this.#chart.data.datasets[0].data = [];
    this.#chart.update();
  }
}

function compact(value) {
  return Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 }).format(value);
}
