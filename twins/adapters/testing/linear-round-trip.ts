import { expect } from 'vitest';
import type { Rng } from '../../../simulator/world/random';
import type { Reading } from '../../telemetry/schema';
import type { LinearScale } from '../obd2/linear';
import { readTarget, type Target } from '../obd2/reading-target';

/** A vehicle-bus value with a linear formula and its place in canonical telemetry (an OBD-II PID, a J1939 SPN). */
export interface LinearParameter extends LinearScale {
  target: Target;
}

/**
 * A reading with a value drawn from `range(parameter)` for about 7 in 10 of `parameters`, or
 * undefined when the draw left it empty.
 */
export function randomLinearReading<P extends LinearParameter>(rng: Rng, parameters: readonly P[], range: (parameter: P) => [number, number]): Reading | undefined {
  const reading: Reading = { engine: {}, attributes: {} };
  for (const parameter of parameters) {
    if (!rng.chance(0.7)) continue;
    const value = rng.float(...range(parameter));
    if ('engine' in parameter.target) reading.engine![parameter.target.engine] = value;
    else reading.attributes![parameter.target.attribute] = value;
  }
  return Object.keys(reading.engine!).length + Object.keys(reading.attributes!).length === 0 ? undefined : reading;
}

/** Every value `got` back is within half a step of its parameter (plus the rounding) of what was sent; nothing unsent appears. */
export function expectWithinHalfStep(sent: Reading, got: Reading, parameters: readonly LinearParameter[]): void {
  for (const parameter of parameters) {
    const value = readTarget(sent, parameter.target);
    const back = readTarget(got, parameter.target);
    if (value === undefined) expect(back).toBeUndefined();
    else expect(Math.abs(back! - value)).toBeLessThanOrEqual(parameter.scale / 2 + 10 ** -parameter.decimals / 2);
  }
}
