import { round, type DeviceModel } from './model';

/** Cargo temperature logger of the refrigerated body: one probe per zone and the door contact. */
export const cargoThermometer: DeviceModel = {
  kind: 'temperature',
  firmware: 'FT-TEMP 1.7.2',
  activeMs: 10_000,
  parkedMs: 60_000,
  read(vehicle, rng) {
    return {
      cargoTempC: vehicle.cargo.tempC.map((t) => round(t + rng.gauss(0, 0.15), 1)),
      doorOpen: vehicle.doorOpen,
    };
  },
};
