import { round, type DeviceModel } from './model';

/**
 * OBD-II dongle: engine values and the active trouble codes (`[]` clears them on the twin).
 * With the ignition off the ECUs sleep and only the battery voltage is readable.
 */
export const obdDongle: DeviceModel = {
  kind: 'obd',
  firmware: 'FT-OBD 2.1.0',
  activeMs: 2_000,
  idleMs: 5_000,
  parkedMs: 60_000,
  read(vehicle, rng) {
    if (!vehicle.ignition) {
      return { engine: { ignition: false, batteryV: round(vehicle.batteryV + rng.gauss(0, 0.02), 2) } };
    }
    // A misfiring engine runs rough: the rpm reading jitters more as engine wear grows.
    const roughness = 15 + 120 * vehicle.drift('engine');
    return {
      engine: {
        ignition: true,
        rpm: Math.round(Math.max(0, vehicle.rpm + rng.gauss(0, roughness))),
        coolantC: round(vehicle.coolantC + rng.gauss(0, 0.3), 1),
        oilPressureKpa: Math.round(Math.max(0, vehicle.oilPressureKpa + rng.gauss(0, 3))),
        fuelLevelPct: round(vehicle.fuelLevelPct, 1),
        odometerKm: round(vehicle.odometerKm, 1),
        engineHours: round(vehicle.engineHours, 2),
        batteryV: round(vehicle.batteryV + rng.gauss(0, 0.03), 2),
        loadPct: Math.round(vehicle.loadPct),
        throttlePct: Math.round(vehicle.throttlePct),
        intakeAirC: round(vehicle.intakeAirC, 1),
      },
      dtcs: vehicle.dtcs(),
    };
  },
};
