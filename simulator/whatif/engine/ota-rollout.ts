import { createRandom, hashSeed } from '../../world/random';
import type { OtaPolicy } from '../scenario/schema';

export type InstallOutcome = 'done' | 'failed';

interface Member {
  deviceId: string;
  vehicleId: string;
  rank: number;
  state: 'waiting' | 'installing' | InstallOutcome;
  untilMs: number;
}

export interface OtaReport {
  devices: number;
  attempted: number;
  succeeded: number;
  failed: number;
  halted: boolean;
  /** Hours from the start until the last install of the last wave (or the halt); null if unfinished. */
  rolloutHours: number | null;
}

/**
 * A firmware rollout in waves, as the `otaRollout` workflow runs it: each wave adds `waveShare` of
 * the devices (the order drawn from the seed); installs start only while the vehicle is parked at
 * its depot; a wave ends when each of its devices has finished; then the failure gate decides
 * between the next wave (after the soak time) and a halt.
 */
export class OtaRollout {
  private readonly members: Member[] = [];
  private readonly startMs: number;
  private wave = 0;
  private waveFrom = 0;
  private waveTo = 0;
  private nextWaveAtMs: number;
  private finishedAtMs: number | null = null;
  private halted = false;
  private attempted = 0;
  private failedCount = 0;
  private readonly seed: string;

  constructor(
    private readonly policy: OtaPolicy,
    seed: string,
    horizonStartMs: number,
  ) {
    this.seed = seed;
    this.startMs = horizonStartMs + policy.startDay * 86_400_000;
    this.nextWaveAtMs = this.startMs;
  }

  /** A device the rollout targets. Call for all of them before the first `step`. */
  add(deviceId: string, vehicleId: string): void {
    this.members.push({ deviceId, vehicleId, rank: hashSeed(`${this.seed}/ota/${deviceId}`), state: 'waiting', untilMs: 0 });
  }

  get finished(): boolean {
    return this.finishedAtMs !== null;
  }

  /**
   * Moves the rollout to `nowMs`: opens waves, starts installs on parked vehicles, ends installs.
   * Returns the installs that ended, for the devices to report.
   */
  step(nowMs: number, parked: (vehicleId: string) => boolean): Array<{ deviceId: string; outcome: InstallOutcome }> {
    if (!this.policy.enabled || this.finished || nowMs < this.nextWaveAtMs) return [];
    if (this.wave === 0 && this.waveTo === 0) this.members.sort((a, b) => a.rank - b.rank || (a.deviceId < b.deviceId ? -1 : 1));
    if (this.waveTo === this.waveFrom) this.openWave();
    const ended: Array<{ deviceId: string; outcome: InstallOutcome }> = [];
    let open = 0;
    for (let i = this.waveFrom; i < this.waveTo; i++) {
      const m = this.members[i]!;
      if (m.state === 'waiting' && parked(m.vehicleId)) {
        m.state = 'installing';
        m.untilMs = nowMs + this.policy.installMinutes * 60_000;
        this.attempted++;
      } else if (m.state === 'installing' && nowMs >= m.untilMs) {
        const fails = createRandom(`${this.seed}/ota-install/${m.deviceId}`).chance(this.policy.failureRate);
        m.state = fails ? 'failed' : 'done';
        if (fails) this.failedCount++;
        ended.push({ deviceId: m.deviceId, outcome: m.state });
      }
      if (m.state === 'waiting' || m.state === 'installing') open++;
    }
    if (open === 0) this.closeWave(nowMs);
    return ended;
  }

  private openWave(): void {
    this.wave++;
    this.waveFrom = this.waveTo;
    this.waveTo = Math.min(this.members.length, Math.ceil(this.members.length * Math.min(1, this.wave * this.policy.waveShare)));
  }

  private closeWave(nowMs: number): void {
    const failedShare = this.attempted ? this.failedCount / this.attempted : 0;
    if (failedShare > this.policy.maxFailureRate) this.halted = true;
    if (this.halted || this.waveTo >= this.members.length) {
      this.finishedAtMs = nowMs;
      return;
    }
    this.waveFrom = this.waveTo;
    this.nextWaveAtMs = nowMs + this.policy.soakHours * 3_600_000;
  }

  report(): OtaReport {
    return {
      devices: this.members.length,
      attempted: this.attempted,
      succeeded: this.attempted - this.failedCount - this.members.filter((m) => m.state === 'installing').length,
      failed: this.failedCount,
      halted: this.halted,
      rolloutHours: this.finishedAtMs === null ? null : (this.finishedAtMs - this.startMs) / 3_600_000,
    };
  }
}
