import type { Rng } from '../world/random';
import { approach } from './powertrain';

export const tyrePositions = ['FL', 'FR', 'RL', 'RR'] as const;

export interface Tyre {
  position: (typeof tyrePositions)[number];
  /** Pressure at 20 °C when healthy, kPa. */
  nominalKpa: number;
  tempC: number;
}

/** Reference temperature of the cold pressures, °C. */
const COLD_REF_C = 20;

export function createTyres(rng: Rng, ambient: number): Tyre[] {
  return tyrePositions.map((position) => ({ position, nominalKpa: rng.float(410, 440), tempC: ambient }));
}

/**
 * Tyres warm with speed towards ambient + up to ~20 °C; an under-inflated tyre flexes and runs
 * hotter. `leak` (0..1) is how far the weak tyre's slow leak has gone.
 */
export function updateTyres(tyres: Tyre[], weak: number, leak: number, speedMps: number, ambient: number, dtS: number): void {
  const moving = speedMps > 0.5;
  for (let i = 0; i < tyres.length; i++) {
    const tyre = tyres[i]!;
    const heat = 20 * Math.min(1, speedMps / 16) + (i === weak ? 15 * leak : 0);
    tyre.tempC = approach(tyre.tempC, ambient + (moving ? heat : 0), dtS, moving ? 500 : 1500);
  }
}

/** Pressure now: the cold pressure (less the leak on the weak tyre) scaled by absolute temperature. */
export function tyrePressureKpa(tyre: Tyre, isWeak: boolean, leak: number): number {
  const cold = tyre.nominalKpa * (isWeak ? 1 - 0.65 * leak : 1);
  return (cold * (tyre.tempC + 273.15)) / (COLD_REF_C + 273.15);
}
