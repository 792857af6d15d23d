import type { Reading } from '../../telemetry/schema';
import { jsonEnvelopeCodec } from '../json-envelope';
import { dtcResponse, dtcServices } from './dtc';
import { dtcListAttributes } from './decode-responses';
import { parseHex, toHex } from './hex';
import { rawValue } from './linear';
import type { Obd2Message } from './message';
import { linearPids, MAX_RAW, MONITOR_STATUS_PID, RAW_PID_ATTRIBUTE } from './pids';
import { readTarget, withBusSpeed } from './reading-target';

/**
 * What an OBD-II dongle would read from a vehicle in the state `reading` describes: the ECU
 * responses, as the obd2 adapter decodes them back (to each PID's resolution). Values with no
 * J1979 PID (oil pressure, engine hours, ignition) are not on the wire; with the ignition off and
 * no rpm given, the engine answers 0 rpm, which is how the twin sees the engine stop.
 */
export function encodeObd2Responses(reading: Reading): string[] {
  const responses: Uint8Array[] = [];
  const engineOff = reading.engine?.ignition === false && reading.engine.rpm === undefined;
  const withRpm: Reading = engineOff ? { ...reading, engine: { ...reading.engine, rpm: 0 } } : reading;

  const attributes = reading.attributes ?? {};
  const milOn = attributes.milOn;
  const dtcCount = attributes.dtcCount;
  if (typeof milOn === 'boolean' || typeof dtcCount === 'number') {
    const a = (milOn === true ? 0x80 : 0) | Math.min(0x7f, Math.max(0, Math.round(Number(dtcCount ?? 0))));
    responses.push(Uint8Array.from([0x41, MONITOR_STATUS_PID, a, 0, 0, 0]));
  }
  for (const pid of linearPids) {
    const value = readTarget(withRpm, pid.target);
    if (value === undefined) continue;
    const raw = rawValue(value, pid, MAX_RAW[pid.bytes]);
    const data = Array.from({ length: pid.bytes }, (_, i) => Math.floor(raw / 256 ** (pid.bytes - 1 - i)) % 256);
    responses.push(Uint8Array.from([0x41, pid.pid, ...data]));
  }
  for (const [name, value] of Object.entries(attributes)) {
    const raw = RAW_PID_ATTRIBUTE.exec(name);
    const data = raw && typeof value === 'string' ? parseHex(value) : undefined;
    if (raw && data) responses.push(Uint8Array.from([0x40 + Number.parseInt(raw[1] ?? '', 16), Number.parseInt(raw[2] ?? '', 16), ...data]));
  }

  if (reading.dtcs) {
    const codes = reading.dtcs.flatMap((d) => (d.system === 'obd2' ? [d.code] : []));
    responses.push(dtcResponse(dtcServices.stored, codes));
  }
  for (const list of ['pending', 'permanent'] as const) {
    const listed = attributes[dtcListAttributes[list]];
    if (typeof listed === 'string') responses.push(dtcResponse(dtcServices[list], listed ? listed.split(',') : []));
  }
  const vin = attributes.vin;
  if (typeof vin === 'string') responses.push(Uint8Array.from([0x49, 0x02, 0x01, ...Array.from(vin, (c) => c.charCodeAt(0))]));

  return responses.map((bytes) => toHex(bytes));
}

export function encodeObd2Message(seq: number, ts: number, reading: Reading): Obd2Message {
  const responses = encodeObd2Responses(reading);
  if (responses.length === 0) throw new RangeError('nothing in this reading has an OBD-II PID');
  return { v: 1, seq, ts, responses };
}

/** The simulator's device codec for OBD-II dongles: a position's speed is sent as PID 0D vehicle speed. */
export const obd2DeviceCodec = jsonEnvelopeCodec('obd2', (seq, ts, reading) => encodeObd2Message(seq, ts, withBusSpeed(reading)));
