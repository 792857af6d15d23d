import type { Dtc, Reading } from '../../telemetry/schema';
import { readBeaconList, readTagList } from './ble';
import type { AvlRecord, IoElement } from './frame';
import { toHex } from '../binary/hex';
import { bytesOf, signedOf, unsignedOf } from './io-values';
import type { ReadingBuilder } from './reading-builder';

/**
 * What Teltonika IO elements mean. Ids are model-dependent, so each rule names the models it
 * holds for, as Traccar's TeltonikaProtocolDecoder does: every model, the FMB/FMC/FMM/FMU family
 * (with or without the FMx6 truck trackers) or the FMx6 family only. Attribute names are
 * Traccar's; ids with a canonical field (ignition, external voltage, odometer, OBD engine values,
 * Dallas temperatures, green driving, crash) fill that instead. An element a rule cannot take
 * (another width than documented, a value outside the canonical range) falls back to `io<id>`.
 */

export type ModelFamily = 'fmb' | 'fmb6' | 'other';
type Scope = 'any' | 'fmb' | 'fmbNot6' | 'fmb6';

/** Traccar's model predicates. No model means FleetTwin's default fleet: FMB/FMC trackers. */
export function modelFamily(model: string | undefined): ModelFamily {
  if (model === undefined) return 'fmb';
  if (/^FM.6..$/.test(model)) return 'fmb6';
  if (/^FM[B-Z]...$|^MTB100$|^MSP500$/.test(model)) return 'fmb';
  return 'other';
}

function inScope(scope: Scope, family: ModelFamily): boolean {
  switch (scope) {
    case 'any':
      return true;
    case 'fmb':
      return family !== 'other';
    case 'fmbNot6':
      return family === 'fmb';
    case 'fmb6':
      return family === 'fmb6';
  }
}

/** Takes one element into the reading; false when it cannot, so the caller keeps it raw. */
type Apply = (e: IoElement, out: ReadingBuilder, record: AvlRecord) => boolean;
type Read = (e: IoElement) => number | undefined;
type Engine = NonNullable<Reading['engine']>;
type NumericEngineKey = { [K in keyof Engine]-?: Engine[K] extends number | undefined ? K : never }[keyof Engine];

const u: Read = unsignedOf;
const s: Read = signedOf;

const number =
  (name: string, read: Read = u, divisor = 1): Apply =>
  (e, out) => {
    const v = read(e);
    if (v === undefined) return false;
    out.attribute(name, v / divisor);
    return true;
  };

const flag =
  (name: string): Apply =>
  (e, out) => {
    const v = u(e);
    if (v === undefined) return false;
    out.attribute(name, v > 0);
    return true;
  };

const alarmWhenSet =
  (name: string): Apply =>
  (e, out) => {
    const v = u(e);
    if (v === undefined) return false;
    if (v > 0) out.alarm(name);
    return true;
  };

const engine =
  (key: NumericEngineKey, read: Read = u, divisor = 1): Apply =>
  (e, out) => {
    const v = read(e);
    return v !== undefined && out.engineValue(key, v / divisor);
  };

const text = (e: IoElement): string | undefined => {
  if (!(e.value instanceof Uint8Array)) return undefined;
  let out = '';
  for (const b of e.value) out += String.fromCharCode(b);
  return out;
};

const GREEN_DRIVING = { 1: 'acceleration', 2: 'braking', 3: 'cornering' } as const;

/** Dallas 1-Wire sensors report -55.0 … +115.0 °C; 850, 2000, 3000, 4000, 5000 are status codes. */
const dallas =
  (sensor: number): Apply =>
  (e, out) => {
    const tenths = s(e);
    if (tenths === undefined || tenths < -550 || tenths > 1150) return false;
    out.cargoTemp(sensor, tenths / 10);
    return true;
  };

const OBD2_DTC = /^[PCBU][0-3][0-9A-F]{3}$/;

const rules = new Map<number, Array<{ scope: Scope; apply: Apply }>>();
function rule(ids: number | number[], scope: Scope, apply: (id: number) => Apply): void {
  for (const id of Array.isArray(ids) ? ids : [ids]) {
    const list = rules.get(id) ?? [];
    list.push({ scope, apply: apply(id) });
    rules.set(id, list);
  }
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Every model.
rule([1, 2, 3, 4], 'any', (id) => flag(`in${id}`));
rule(16, 'any', () => engine('odometerKm', u, 1000));
rule(17, 'any', () => number('axisX', s));
rule(18, 'any', () => number('axisY', s));
rule(19, 'any', () => number('axisZ', s));
rule(21, 'any', () => number('rssi'));
rule(range(25, 28), 'any', (id) => number(`bleTemp${id - 24}`, s, 100));
rule(66, 'any', () => engine('batteryV', u, 1000));
rule(67, 'any', () => number('battery', u, 1000));
rule(78, 'any', () => (e, out) => {
  // iButton id: the 8 bytes arrive least significant first; Traccar prints them as 16 hex digits.
  if (e.size !== 8 || e.value instanceof Uint8Array) return false;
  if (e.value === 0) return true;
  out.attribute('driverUniqueId', toHex(bytesOf(e).reverse()).toUpperCase());
  return true;
});
rule(179, 'any', () => flag('out1'));
rule(180, 'any', () => flag('out2'));
rule(181, 'any', () => number('pdop', u, 10));
rule(182, 'any', () => number('hdop', u, 10));
rule(199, 'any', () => number('tripOdometer'));
rule(236, 'any', () => alarmWhenSet('general'));
rule(239, 'any', () => (e, out) => {
  const v = u(e);
  return v !== undefined && out.engineValue('ignition', v > 0);
});
rule(240, 'any', () => flag('motion'));
rule(241, 'any', () => number('operator'));
rule(253, 'any', () => (e, out) => {
  const v = u(e);
  if (v === 0) return true;
  const kind = GREEN_DRIVING[v as keyof typeof GREEN_DRIVING];
  if (!kind) return false;
  out.harshEvent(kind);
  return true;
});
rule(254, 'any', () => (e, out, record) => {
  // The green-driving value measures the event IO 253 names, in g × 100 (1.23 g is 123).
  const type = record.io.find((other) => other.id === 253);
  const typeValue = type && u(type);
  const v = u(e);
  if (typeValue === undefined || !(typeValue in GREEN_DRIVING) || v === undefined) return false;
  return out.greenDrivingValue(v / 100);
});

// FMB/FMC/FMM/FMU and the FMx6 truck trackers.
rule(9, 'fmb', () => number('adc1', u, 1000));
rule(10, 'fmb', () => number('adc2', u, 1000));
rule(11, 'fmb', () => (e, out) => {
  if (e.size !== 8 || e.value instanceof Uint8Array) return false;
  out.attribute('iccid', BigInt.asIntN(64, BigInt(e.value)).toString());
  return true;
});
rule(12, 'fmb', () => number('fuelUsed', u, 1000));
rule(13, 'fmb', () => number('fuelConsumption', u, 100));
rule(24, 'fmb', () => (e, out) => {
  const v = u(e);
  return v !== undefined && out.positionValue('speedKph', v);
});
rule(30, 'fmb', () => number('faultCount'));
rule(31, 'fmb', () => engine('loadPct'));
rule(32, 'fmb', () => engine('coolantC', s));
rule(36, 'fmb', () => engine('rpm'));
rule(39, 'fmb', () => engine('intakeAirC', s));
rule(41, 'fmb', () => engine('throttlePct'));
rule(43, 'fmb', () => number('milDistance'));
rule(48, 'fmb', () => engine('fuelLevelPct'));
rule(57, 'fmb', () => number('hybridBatteryLevel', s));
rule(68, 'fmb', () => number('batteryCurrent', u, 1000));
rule(range(72, 75), 'fmb', (id) => dallas(id - 71));
rule(107, 'fmb', () => number('fuelUsed', u, 10));
rule(110, 'fmb', () => number('fuelConsumption', u, 10));
rule(113, 'fmb', () => number('batteryLevel'));
rule(115, 'fmb', () => number('engineTemp', s, 10));
rule(175, 'fmb', () => (e, out) => {
  const v = u(e);
  if (v === undefined) return false;
  out.alarm(v > 0 ? 'geofenceEnter' : 'geofenceExit');
  return true;
});
rule(200, 'fmb', () => number('sleepMode'));
rule(205, 'fmb', () => number('cid2g'));
rule(206, 'fmb', () => number('lac'));
rule(246, 'fmb', () => alarmWhenSet('tow'));
rule(247, 'fmb', () => (e, out) => {
  // Crash detection: any non-zero value is a crash or a crash trace.
  const v = u(e);
  if (v === undefined) return false;
  if (v > 0) out.harshEvent('impact');
  return true;
});
rule(249, 'fmb', () => alarmWhenSet('jamming'));
rule(251, 'fmb', () => alarmWhenSet('idle'));
rule(252, 'fmb', () => alarmWhenSet('powerCut'));
rule(636, 'fmb', () => number('cid4g'));
rule(662, 'fmb', () => flag('door'));
rule(range(10644, 10649), 'fmb', (id) => number(`tempProbe${id - 10643}`, s, 100));
rule(range(10800, 10803), 'fmb', (id) => number(`eyeTemp${id - 10799}`, s, 100));
rule(range(10832, 10835), 'fmb', (id) => number(`eyeRoll${id - 10831}`, s));

// FMB/FMC/FMM/FMU only (LV-CAN/ALL-CAN ids the FMx6 family uses for tachograph data).
rule(80, 'fmbNot6', () => number('dataMode'));
rule(81, 'fmbNot6', () => number('obdSpeed'));
rule(82, 'fmbNot6', () => engine('throttlePct'));
rule(83, 'fmbNot6', () => number('fuelUsed', u, 10));
rule(84, 'fmbNot6', () => number('fuel', u, 10));
rule(85, 'fmbNot6', () => engine('rpm'));
rule(87, 'fmbNot6', () => number('obdOdometer'));
rule(89, 'fmbNot6', () => engine('fuelLevelPct'));
rule(90, 'fmbNot6', () => (e, out) => {
  // CAN door status: one bit per door, any set bit is an open door.
  const v = u(e);
  if (v === undefined) return false;
  out.setDoorOpen(v !== 0);
  return true;
});

// FMx6 truck trackers only.
rule(range(701, 704), 'fmb6', (id) => number(`bleTemp${id - 700}`, s, 10));

// Variable-length (Codec 8 Extended NX) elements.
rule([256, 325], 'any', () => (e, out) => {
  const vin = text(e);
  if (vin === undefined) return false;
  out.attribute('vin', vin);
  return true;
});
rule(281, 'any', () => (e, out) => {
  const codes = text(e);
  if (codes === undefined) return false;
  const list = codes.split(/[,\s]+/).filter((c) => c.length > 0);
  const dtcs: Dtc[] = list.filter((c) => OBD2_DTC.test(c)).slice(0, 64).map((code) => ({ system: 'obd2', code }));
  out.setDtcs(dtcs);
  if (dtcs.length !== list.length) out.attribute('dtcs', codes.replace(/,/g, ' '));
  return true;
});
rule(385, 'any', () => (e, out) => attributesFrom(e, readBeaconList, out));
rule([548, 10828, 10829, 10831, 11317], 'any', () => (e, out) => attributesFrom(e, readTagList, out));

function attributesFrom(
  e: IoElement,
  read: (data: Uint8Array) => Array<[string, string | number | boolean]> | undefined,
  out: ReadingBuilder,
): boolean {
  if (!(e.value instanceof Uint8Array)) return false;
  const attributes = read(e.value);
  if (!attributes) return false;
  for (const [name, value] of attributes) out.attribute(name, value);
  return true;
}

/** GH3000 (codec 7) personal trackers number their IO elements differently. */
const gh3000Rules = new Map<number, Apply>([
  [1, number('batteryLevel')],
  [2, flag('usbConnected')],
  [5, number('uptime')],
  [20, number('hdop', u, 10)],
  [21, number('vdop', u, 10)],
  [22, number('pdop', u, 10)],
  [67, number('battery', u, 1000)],
  [221, number('button')],
  [222, alarmWhenSet('sos')],
  [240, flag('motion')],
  [244, flag('roaming')],
]);

export function applyIo(
  e: IoElement,
  out: ReadingBuilder,
  record: AvlRecord,
  family: ModelFamily,
  gh3000: boolean,
): boolean {
  if (gh3000) return gh3000Rules.get(e.id)?.(e, out, record) ?? false;
  const match = rules.get(e.id)?.find((r) => inScope(r.scope, family));
  return match ? match.apply(e, out, record) : false;
}

/** FMx6 trackers send the tachograph driver card id as two 8-byte halves, IO 195 and 196. */
export function fmb6DriverId(record: AvlRecord): string | undefined {
  const msb = record.io.find((e) => e.id === 195 && e.size === 8);
  const lsb = record.io.find((e) => e.id === 196 && e.size === 8);
  if (!msb || !lsb || msb.value instanceof Uint8Array || lsb.value instanceof Uint8Array) return undefined;
  let out = '';
  for (const b of [...bytesOf(msb), ...bytesOf(lsb)]) out += String.fromCharCode(b);
  return out.replace(/\0+$/, '');
}
