/**
 * Child process of bench:twins: twin logic alone on one core (run with --single-threaded-gc so
 * the collector adds no second core). Prints its result as one JSON line.
 */
import { fleetReadings } from './fleet-readings';
import { measureTwinLogic } from './twin-logic';

const readings = fleetReadings({ vehicles: 250, seconds: 120, rate: 2 });
const result = measureTwinLogic({ readings, copies: 8, warmup: 150_000, measure: 400_000 });
process.stdout.write(`${JSON.stringify(result)}\n`);
