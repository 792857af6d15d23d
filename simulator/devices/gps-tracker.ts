import { offsetM } from '../world/geo';
import { round, type DeviceModel } from './model';

/** Readings a tracker holds at most per report (the schema's limit). */
const MAX_HARSH_PER_READING = 16;
const NO_HARSH: never[] = [];

/**
 * GPS tracker: position with a few metres of GNSS noise while moving (standing still it holds
 * its fix, as trackers' static filters do), ignition, and the harsh events its accelerometer saw.
 */
export const gpsTracker: DeviceModel = {
  kind: 'gps',
  firmware: 'FT-GPS 3.4.1',
  activeMs: 1_000,
  idleMs: 5_000,
  parkedMs: 30_000,
  reportsOnMotion: true,
  read(vehicle, rng, memory) {
    const moving = vehicle.speedMps > 0.5;
    const fix = moving ? offsetM(vehicle, rng.gauss(0, 1.5), rng.gauss(0, 1.5)) : vehicle;
    const last = vehicle.harsh[vehicle.harsh.length - 1];
    // Most readings have no new event to report: no pass over the events kept.
    const harsh = last && last.id > memory.harshSeen ? vehicle.harsh.filter((h) => h.id > memory.harshSeen).slice(-MAX_HARSH_PER_READING) : NO_HARSH;
    if (last) memory.harshSeen = last.id;
    return {
      position: {
        lat: round(fix.lat, 6),
        lon: round(fix.lon, 6),
        speedKph: round(moving ? Math.max(0, vehicle.speedKph + rng.gauss(0, 0.3)) : 0, 1),
        headingDeg: Math.round(vehicle.headingDeg) % 360,
        satellites: rng.int(7, 12),
      },
      engine: { ignition: vehicle.ignition },
      ...(harsh.length ? { harsh: harsh.map((h) => ({ kind: h.kind, g: h.g })) } : {}),
    };
  },
};
