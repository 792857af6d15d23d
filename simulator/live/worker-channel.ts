import type { LiveTotals } from './live-fleet';
import type { TotalsSource } from './progress';
import type { SimReport } from './report';
import type { SimRunOptions } from './run';

/** What a simulator worker tells its parent (`fleet sim --processes N`). */
export type WorkerMessage = { type: 'ready' } | { type: 'totals'; totals: LiveTotals } | { type: 'report'; report: SimReport };
/**
 * What the parent tells a worker: its slice of the fleet; then, once every worker has built its
 * world, the shared clock start; and at the end, stop.
 */
export type ParentMessage = { type: 'start'; options: SimRunOptions } | { type: 'go'; startAt: number } | { type: 'stop' };

/**
 * A worker's side of the IPC channel. Messages may arrive before the worker is ready for them
 * (a stop during start-up), so every one is kept as a promise from the moment the worker runs.
 */
export class WorkerChannel {
  readonly options: Promise<SimRunOptions>;
  readonly go: Promise<number>;
  readonly stopRequested: Promise<void>;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    if (!process.send) throw new Error('--worker runs only as a child of `fleet sim --processes`');
    let onOptions!: (o: SimRunOptions) => void;
    let onGo!: (startAt: number) => void;
    let onStop!: () => void;
    this.options = new Promise((resolve) => (onOptions = resolve));
    this.go = new Promise((resolve) => (onGo = resolve));
    this.stopRequested = new Promise((resolve) => (onStop = resolve));
    process.on('message', (m: ParentMessage) => {
      if (m?.type === 'start') onOptions(m.options);
      else if (m?.type === 'go') onGo(m.startAt);
      else if (m?.type === 'stop') onStop();
    });
    // The parent went away: stop too, rather than drive devices nobody reports on.
    process.once('disconnect', () => onStop());
  }

  ready(): Promise<void> {
    return this.send({ type: 'ready' });
  }

  /** Totals once a second, for the parent's combined progress line. */
  reportTotals(live: TotalsSource): void {
    this.timer = setInterval(() => void this.send({ type: 'totals', totals: live.totals() }), 1000);
  }

  async sendReport(report: SimReport): Promise<void> {
    clearInterval(this.timer);
    await this.send({ type: 'totals', totals: report.totals });
    await this.send({ type: 'report', report });
    process.disconnect();
  }

  private send(message: WorkerMessage): Promise<void> {
    return new Promise((resolve) => {
      if (!process.connected) return resolve();
      process.send!(message, undefined, {}, () => resolve());
    });
  }
}
