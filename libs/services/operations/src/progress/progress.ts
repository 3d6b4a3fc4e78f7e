/** Where progress lines go: stderr for a person, nowhere for `--json`. */
export type ProgressSink = (line: string, final: boolean) => void;

export interface ProgressSnapshot {
  count: number;
  total: number | undefined;
  ratePerSecond: number;
  secondsLeft: number | undefined;
}

/** Count, rate and time left of a long operation, reported at most once per interval. */
export class Progress {
  private count = 0;
  private readonly startedAt: number;
  private lastReportAt = 0;

  constructor(
    private readonly label: string,
    private total: number | undefined,
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 1000,
  ) {
    this.startedAt = now();
  }

  setTotal(total: number): void {
    this.total = total;
  }

  advance(by = 1): void {
    this.count += by;
    const now = this.now();
    if (now - this.lastReportAt >= this.intervalMs) {
      this.lastReportAt = now;
      this.sink(this.describe(), false);
    }
  }

  finish(): void {
    this.sink(this.describe(), true);
  }

  snapshot(): ProgressSnapshot {
    const elapsedSeconds = Math.max(0.001, (this.now() - this.startedAt) / 1000);
    const ratePerSecond = this.count / elapsedSeconds;
    const secondsLeft = this.total === undefined || ratePerSecond === 0 ? undefined : Math.max(0, this.total - this.count) / ratePerSecond;
    return { count: this.count, total: this.total, ratePerSecond, secondsLeft };
  }

  describe(): string {
    const { count, total, ratePerSecond, secondsLeft } = this.snapshot();
    const done = total === undefined ? `${count}` : `${count}/${total}`;
    const left = secondsLeft === undefined ? '' : `, ~${formatDuration(secondsLeft)} left`;
    return `${this.label}: ${done} (${ratePerSecond.toFixed(1)}/s${left})`;
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.ceil(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

/** Makes a Progress for a label and total; `--json` passes a sink that drops everything. */
export type ProgressFactory = (label: string, total?: number) => Progress;

export function progressTo(sink: ProgressSink): ProgressFactory {
  return (label, total) => new Progress(label, total, sink);
}
