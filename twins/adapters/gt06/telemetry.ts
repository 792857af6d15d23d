import { DecodeError, type DecodeContext } from '../adapter';
import type { Telemetry } from '../../telemetry/schema';
import type { AttributeValue, Gt06Report } from './report';

type Position = NonNullable<Telemetry['position']>;
type HarshKind = NonNullable<Telemetry['harsh']>[number]['kind'];

/** Traccar alarms that are canonical harsh events. */
const HARSH: Record<string, HarshKind> = {
  hardBraking: 'braking',
  hardAcceleration: 'acceleration',
  hardCornering: 'cornering',
  accident: 'impact',
};

const MAX_TEXT = 1024;

const within = (v: number | undefined, min: number, max: number) =>
  v !== undefined && Number.isFinite(v) && v >= min && v <= max ? v : undefined;

/** A fix the device marks as positioned becomes the position; an unpositioned one is dropped. */
function positionOf(report: Gt06Report, satellites: AttributeValue | undefined): Position | undefined {
  const fix = report.fix;
  if (!fix?.valid) return undefined;
  if (within(fix.latitude, -90, 90) === undefined || within(fix.longitude, -180, 180) === undefined) {
    throw new DecodeError('bad_position', `positioned fix at ${fix.latitude}, ${fix.longitude} is off the globe`);
  }
  const position: Position = { lat: fix.latitude, lon: fix.longitude };
  const altM = within(fix.altitudeM, -1000, 20000);
  const speedKph = within(fix.speedKph, 0, 400);
  const headingDeg = within(fix.courseDeg, 0, 360);
  if (altM !== undefined) position.altM = altM;
  if (speedKph !== undefined) position.speedKph = speedKph;
  if (headingDeg !== undefined) position.headingDeg = headingDeg;
  if (typeof satellites === 'number') position.satellites = satellites;
  return position;
}

/** Text the recorder can store: no NUL (PostgreSQL text refuses it), at most 1024 characters. */
function cleanAttributes(attributes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') out[key] = value.replace(/\0/g, '').trim().slice(0, MAX_TEXT);
    else if (typeof value === 'boolean' || Number.isFinite(value)) out[key] = value;
  }
  return out;
}

/** A device id of 15 digits is taken to be the IMEI (docs/device-format.md, GT06). */
const IMEI_ID = /^\d{15}$/;

/**
 * GT06 frames after the login carry no identity: the MQTT topic attributes them. So the login's
 * IMEI must agree with a topic device id that is an IMEI; a device publishing under another
 * device's id is refused rather than merged into that device's twin. A login that agrees is
 * still no reading: as a record stamped with its receive time it would outrank the stored
 * positions a device uploads right after reconnecting and make them look late to the twin.
 */
function checkLogin(report: Gt06Report, ctx: DecodeContext): void {
  if (!report.imei) return;
  if (IMEI_ID.test(ctx.deviceId) && report.imei !== ctx.deviceId) {
    throw new DecodeError('identity_mismatch', `login from IMEI ${report.imei} on the topic of device ${ctx.deviceId}`);
  }
  const details = Object.entries(report.attributes).map(([k, v]) => `, ${k} ${v}`).join('');
  throw new DecodeError('no_reading', `login of IMEI ${report.imei}${details}: identifies the device, which the topic names; carries no reading`);
}

/** Timed messages take the upper half of their second's sequence numbers (see toTelemetry). */
const TIMED = 256;

/**
 * Maps a decoded GT06 message to canonical telemetry. GT06 has no sequence number and sends
 * times in whole seconds, so one second's sequence numbers are shared out by protocol number:
 * a message with a date-time gets time + 256 + protocol, one without (heartbeat, status,
 * command answer) gets the start of its receive second + protocol, which is also its deviceTime.
 * So a resend of a message dedupes (same time, same type), a position and an alarm of the same
 * second stay two readings, and a heartbeat never outranks a position of its own
 * second, which would make that position look late to the twin.
 */
export function toTelemetry(report: Gt06Report, ctx: DecodeContext): Telemetry {
  checkLogin(report, ctx);
  const rest: Record<string, AttributeValue> = { ...report.attributes };
  const take = (key: string) => {
    const value = rest[key];
    delete rest[key];
    return value;
  };

  const position = positionOf(report, report.fix?.valid ? take('sat') : undefined);
  const ignition = take('ignition');
  const door = take('door');
  const harsh = report.alarms.filter((a) => a in HARSH).map((a) => ({ kind: HARSH[a]! }));
  const otherAlarms = report.alarms.filter((a) => !(a in HARSH));
  if (otherAlarms.length) rest.alarm = otherAlarms.join(',');

  const engine: NonNullable<Telemetry['engine']> = {};
  if (typeof ignition === 'boolean') engine.ignition = ignition;
  const batteryV = within(report.vehiclePowerV, 0, 100);
  if (batteryV !== undefined) engine.batteryV = batteryV;
  else if (report.vehiclePowerV !== undefined) rest.power = report.vehiclePowerV;

  const cargoTempC = report.probeTempsC.filter((t) => within(t, -100, 150) !== undefined);
  report.probeTempsC.forEach((t, i) => {
    if (t !== undefined && within(t, -100, 150) === undefined) rest[`temp${i + 1}`] = t;
  });

  const time = report.time;
  const receiveSecond = Math.floor(ctx.receivedAt / 1000) * 1000;
  const attributes = cleanAttributes(rest);
  return {
    v: 1,
    vehicleId: ctx.vehicleId,
    deviceId: ctx.deviceId,
    deviceKind: 'gps',
    seq: time !== undefined ? time + TIMED + report.protocol : receiveSecond + report.protocol,
    deviceTime: time ?? receiveSecond,
    receivedAt: ctx.receivedAt,
    format: 'gt06',
    ...(position ? { position } : {}),
    ...(Object.keys(engine).length ? { engine } : {}),
    ...(typeof door === 'boolean' ? { doorOpen: door } : {}),
    ...(harsh.length ? { harsh } : {}),
    ...(cargoTempC.length ? { cargoTempC } : {}),
    ...(Object.keys(attributes).length ? { attributes } : {}),
  };
}
