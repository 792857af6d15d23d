import { cargoThermometer } from './cargo-thermometer';
import { gpsTracker } from './gps-tracker';
import type { DeviceModel } from './model';
import { obdDongle } from './obd-dongle';
import { tyreMonitor } from './tyre-monitor';

/** The devices a vehicle carries, in fitting order: --devices-per-vehicle n fits the first n. */
export const deviceCatalogue: readonly DeviceModel[] = [gpsTracker, obdDongle, cargoThermometer, tyreMonitor];
