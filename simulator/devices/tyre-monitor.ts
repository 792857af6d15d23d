import { round, type DeviceModel } from './model';

/** Tyre pressure monitoring receiver: pressure and temperature of the four tyres. */
export const tyreMonitor: DeviceModel = {
  kind: 'tyre',
  firmware: 'FT-TPMS 1.2.0',
  activeMs: 15_000,
  parkedMs: 300_000,
  read(vehicle, rng) {
    return {
      tyres: vehicle.tyreReadings().map((t) => ({
        position: t.position,
        pressureKpa: Math.round(t.pressureKpa + rng.gauss(0, 1)),
        tempC: round(t.tempC + rng.gauss(0, 0.3), 1),
      })),
    };
  },
};
