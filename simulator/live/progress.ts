import cliProgress from 'cli-progress';
import type { Logger } from '../../infra/log/logger';
import type { LiveTotals } from './live-fleet';

/** Anything that can say how the run is going: one live fleet, or several simulator processes. */
export interface TotalsSource {
  totals(): LiveTotals;
}

export interface ProgressSample extends LiveTotals {
  elapsedS: number;
  /** Readings handed to MQTT per second since the previous sample. */
  msgsPerS: number;
}

/**
 * Shows how the run goes: a live line on a terminal, a log line every `logEveryS` otherwise.
 * Also keeps the peak rate for the final report.
 */
export class Progress {
  peakMsgsPerS = 0;
  private readonly started = performance.now();
  private last = { at: this.started, sent: 0 };
  private readonly timer: NodeJS.Timeout;
  private readonly bar: cliProgress.SingleBar | undefined;

  constructor(
    private readonly live: TotalsSource,
    private readonly log: Logger,
    options: { durationS?: number; tty: boolean; logEveryS?: number },
  ) {
    if (options.tty) {
      const head = options.durationS ? '{bar} {duration}s/{total}s' : '{duration}s';
      this.bar = new cliProgress.SingleBar(
        {
          format: `${head} | devices {connected}/{devices} | {rate} msg/s | sent {sent} | acked {acked} | in flight {inFlight} | errors {errors} | behind {behind}s`,
          gracefulExit: false,
          hideCursor: true,
          barsize: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(Math.ceil(options.durationS ?? 0), 0, this.payload({ ...live.totals(), elapsedS: 0, msgsPerS: 0 }));
    }
    const everyMs = options.tty ? 500 : (options.logEveryS ?? 10) * 1000;
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  /** Totals now, with the rate since the previous sample (taken by the timer, at least 0.5 s ago). */
  private sample(): ProgressSample {
    const now = performance.now();
    const totals = this.live.totals();
    const msgsPerS = now > this.last.at ? ((totals.sent - this.last.sent) * 1000) / (now - this.last.at) : 0;
    this.last = { at: now, sent: totals.sent };
    if (msgsPerS > this.peakMsgsPerS) this.peakMsgsPerS = msgsPerS;
    return { ...totals, elapsedS: (now - this.started) / 1000, msgsPerS };
  }

  stop(): void {
    clearInterval(this.timer);
    this.bar?.stop();
  }

  private tick(): void {
    const s = this.sample();
    if (this.bar) {
      this.bar.update(Math.floor(s.elapsedS), this.payload(s));
      return;
    }
    this.log.info(
      {
        elapsedS: Math.round(s.elapsedS), devices: s.devices, connected: s.connected, connectedOnce: s.connectedOnce, msgsPerS: Math.round(s.msgsPerS), sent: s.sent, acked: s.acked,
        inFlight: s.inFlight, waiting: s.waiting, held: s.held, errors: s.errors + s.connectionErrors, behindS: Math.round(s.behindMs / 100) / 10,
      },
      'sim progress',
    );
  }

  private payload(s: ProgressSample): Record<string, string | number> {
    return { connected: s.connected, devices: s.devices, rate: Math.round(s.msgsPerS), sent: s.sent, acked: s.acked, inFlight: s.inFlight, errors: s.errors + s.connectionErrors, behind: (s.behindMs / 1000).toFixed(1) };
  }
}
