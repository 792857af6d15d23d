import type { Rng } from '../world/random';
import type { FaultRates } from './fault-rates';
import { malformKinds, type MalformKind } from './malform';

/** What happens to one reading on its way out. */
export interface ReadingFate {
  /** The device is out of coverage: it keeps the reading for later (store-and-forward). */
  offline: boolean;
  duplicate: boolean;
  malformed?: MalformKind;
}

/** A window of simulated time, [fromMs, toMs). */
interface Window {
  fromMs: number;
  toMs: number;
}

const HOUR_MS = 3_600_000;
const NEVER: Window = { fromMs: Infinity, toMs: Infinity };

/**
 * The faults of one device, decided from its own random streams in simulated time: its clock
 * skew, when it is out of coverage or switched off, and which readings it duplicates or
 * corrupts. Readings are asked about in time order, which is how a device lives.
 */
export class DeviceFaults {
  readonly skewMs: number;
  private readonly windowsRng: Rng;
  private readonly readingRng: Rng;
  private gap: Window;
  private silence: Window;

  constructor(
    private readonly rates: FaultRates,
    rng: Rng,
  ) {
    const skewRng = rng.fork('skew');
    this.skewMs = skewRng.chance(rates.skewShare) ? Math.round(skewRng.float(-1, 1) * rates.maxSkewS * 1000) : 0;
    this.windowsRng = rng.fork('windows');
    this.readingRng = rng.fork('readings');
    this.gap = NEVER;
    this.silence = NEVER;
  }

  /** The device is switched on: its first gap and silence come some time after. */
  switchOn(atMs: number): void {
    this.gap = this.nextWindow(atMs, this.rates.gapsPerHour, this.rates.gapS);
    this.silence = this.nextWindow(atMs, this.rates.silencesPerHour, this.rates.silenceS);
  }

  /** Whether the device is switched off at `ms`: it takes no reading then. */
  silentAt(ms: number): boolean {
    while (ms >= this.silence.toMs) this.silence = this.nextWindow(this.silence.toMs, this.rates.silencesPerHour, this.rates.silenceS);
    return ms >= this.silence.fromMs;
  }

  /** The fate of the reading taken at `ms`. */
  fateAt(ms: number): ReadingFate {
    while (ms >= this.gap.toMs) this.gap = this.nextWindow(this.gap.toMs, this.rates.gapsPerHour, this.rates.gapS);
    // Both draws are always made, so one fault's rate never shifts another's choices.
    const malformDraw = this.readingRng.next();
    const duplicateDraw = this.readingRng.next();
    const kind = malformKinds[Math.floor(this.readingRng.next() * malformKinds.length)]!;
    const malformed = malformDraw < this.rates.malformedRate;
    return {
      offline: ms >= this.gap.fromMs,
      duplicate: !malformed && duplicateDraw < this.rates.duplicateRate,
      ...(malformed ? { malformed: kind } : {}),
    };
  }

  /** The next window after `afterMs`: exponential waiting time, uniform length. */
  private nextWindow(afterMs: number, perHour: number, lengthS: readonly [number, number]): Window {
    if (!(perHour > 0)) return NEVER;
    const waitMs = (-Math.log(1 - this.windowsRng.next()) / perHour) * HOUR_MS;
    const fromMs = afterMs + Math.round(waitMs);
    return { fromMs, toMs: fromMs + Math.round(this.windowsRng.float(lengthS[0], lengthS[1]) * 1000) };
  }
}
