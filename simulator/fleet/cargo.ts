import type { Rng } from '../world/random';
import { approach } from './powertrain';

/** Two-zone refrigerated body: chilled/chilled, chilled/frozen or frozen/frozen setpoints. */
const setpointChoices = [
  [3, 3],
  [3, -18],
  [-18, -18],
] as const;

export interface Cargo {
  setpointC: readonly number[];
  tempC: number[];
}

export function createCargo(rng: Rng): Cargo {
  const setpointC = rng.pick(setpointChoices);
  return { setpointC, tempC: [...setpointC] };
}

/**
 * The fridge unit runs on the engine, or on shore power at the depot, and pulls each zone to its
 * setpoint; without power the body slowly warms; an open door lets outside air in.
 */
export function updateCargo(cargo: Cargo, fridgeOn: boolean, doorOpen: boolean, ambient: number, dtS: number): void {
  const { tempC } = cargo;
  for (let i = 0; i < tempC.length; i++) {
    const t = tempC[i]!;
    if (doorOpen) tempC[i] = approach(t, ambient, dtS, 1500);
    else if (fridgeOn) tempC[i] = approach(t, cargo.setpointC[i]!, dtS, 900);
    else tempC[i] = approach(t, ambient, dtS, 4 * 3600);
  }
}
