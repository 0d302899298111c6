/**
 * The download progress bar `-o FILE` shows on stderr when stderr is a terminal: bytes so far, rate, and with a
 * known length the percent, a bar and the time left. `renderProgress` is the pure renderer; `ProgressBar`
 * redraws it in place (carriage return), at most every 100 ms, and ends the line when the download ends.
 */

export interface ProgressState {
  /** Bytes received so far. */
  bytes: number;
  /** The expected total, when the response says it (Content-Length of a body that is not decoded). */
  total?: number;
  /** Milliseconds since the download began. */
  elapsed: number;
  /** The terminal's width in columns. */
  columns: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** `75` → `1:15`; `3725` → `1:02:05`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), String(s % 60).padStart(2, '0')];
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One line of progress, at most `columns - 1` wide (so the cursor never wraps). */
export function renderProgress(state: ProgressState): string {
  const rate = state.elapsed > 0 ? (state.bytes * 1000) / state.elapsed : 0;
  const rateText = `${formatBytes(Math.round(rate))}/s`;
  if (state.total === undefined || state.total <= 0) return `${formatBytes(state.bytes)}  ${rateText}`.slice(0, state.columns - 1);
  const fraction = Math.min(1, state.bytes / state.total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const left = state.bytes >= state.total ? 'done' : rate > 0 ? `ETA ${formatDuration((state.total - state.bytes) / rate)}` : 'ETA --:--';
  const text = ` ${formatBytes(state.bytes)} / ${formatBytes(state.total)}  ${rateText}  ${left}`;
  const width = Math.max(0, Math.min(40, state.columns - 1 - percent.length - text.length - 3));
  const filled = Math.round(fraction * width);
  const bar = width > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]` : '';
  return `${percent}${bar}${text}`.slice(0, state.columns - 1);
}

/** Where the bar is drawn: a terminal stream (stderr). */
export interface ProgressTarget {
  write(text: string): unknown;
  columns?: number;
}

const REDRAW_MS = 100;

export class ProgressBar {
  private readonly start = Date.now();
  private bytes = 0;
  private drawn = 0;

  constructor(
    private readonly target: ProgressTarget,
    private readonly total: number | undefined,
  ) {}

  /** `n` more bytes arrived. */
  add(n: number): void {
    this.bytes += n;
    if (Date.now() - this.drawn >= REDRAW_MS) this.draw();
  }

  /** The download ended (or failed): the last state, and a new line. */
  finish(): void {
    this.draw();
    this.target.write('\n');
  }

  private draw(): void {
    this.drawn = Date.now();
    const columns = this.target.columns || 80; // 0 from a terminal that does not say its size
    this.target.write(`\r${renderProgress({ bytes: this.bytes, total: this.total, elapsed: this.drawn - this.start, columns })}\x1b[K`);
  }
}
