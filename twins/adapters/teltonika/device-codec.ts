import type { ReferenceMessage } from '../reference-json';
import { encodeAvlTcp, type EncodableAvlRecord, type EncodableCodec } from './encode';
import { CODEC_8, CODEC_8_EXTENDED, type IoElement } from './frame';

/** IO ids of an FMB/FMC tracker with OBD/CAN data, as the teltonika adapter's io-rules read them. */
const IO = {
  ignition: 239,
  movement: 240,
  externalVoltageMv: 66,
  totalOdometerM: 16,
  engineRpm: 36,
  coolantC: 32,
  fuelLevelPct: 48,
  engineLoadPct: 31,
  throttlePct: 41,
  intakeAirC: 39,
  doorStatus: 90,
  greenDrivingType: 253,
  greenDrivingValue: 254,
  crash: 247,
  dtcs: 281,
} as const;
const DALLAS_TEMPERATURE = [72, 73, 74, 75] as const;
const GREEN_DRIVING_TYPE = { acceleration: 1, braking: 2, cornering: 3 } as const;

const clampRound = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

/**
 * The record an FMB tracker would write for a reading: coordinates, speed and
 * heading in the GPS element, engine values in the IO ids its OBD/CAN reader uses, cargo probes
 * as Dallas sensors, OBD-II trouble codes as the IO 281 text. What AVL data has no place for
 * (firmware, OTA, tyres, oil pressure, engine hours) is not sent; a record holds one green-driving
 * event, so only the first harsh event of a reading travels; Codec 8 has no variable-length
 * elements, so its trackers send no trouble codes. Teltonika records carry no sequence number:
 * the adapter uses the record time.
 */
export function avlRecordOf(message: ReferenceMessage, codec: EncodableCodec = CODEC_8_EXTENDED): EncodableAvlRecord {
  const { position, engine } = message;
  const io: IoElement[] = [];
  const put = (id: number, size: 1 | 2 | 4, value: number | undefined) => {
    if (value !== undefined) io.push({ id, size, value });
  };
  if (engine?.ignition !== undefined) put(IO.ignition, 1, engine.ignition ? 1 : 0);
  if (position?.speedKph !== undefined) put(IO.movement, 1, position.speedKph > 0 ? 1 : 0);
  put(IO.externalVoltageMv, 2, engine?.batteryV === undefined ? undefined : clampRound(engine.batteryV * 1000, 0, 0xffff));
  put(IO.totalOdometerM, 4, engine?.odometerKm === undefined ? undefined : clampRound(engine.odometerKm * 1000, 0, 0xffffffff));
  put(IO.engineRpm, 2, engine?.rpm === undefined ? undefined : clampRound(engine.rpm, 0, 0xffff));
  put(IO.coolantC, 1, engine?.coolantC === undefined ? undefined : clampRound(engine.coolantC, -128, 127));
  put(IO.intakeAirC, 1, engine?.intakeAirC === undefined ? undefined : clampRound(engine.intakeAirC, -128, 127));
  put(IO.fuelLevelPct, 1, engine?.fuelLevelPct === undefined ? undefined : clampRound(engine.fuelLevelPct, 0, 100));
  put(IO.engineLoadPct, 1, engine?.loadPct === undefined ? undefined : clampRound(engine.loadPct, 0, 100));
  put(IO.throttlePct, 1, engine?.throttlePct === undefined ? undefined : clampRound(engine.throttlePct, 0, 100));
  if (message.doorOpen !== undefined) put(IO.doorStatus, 2, message.doorOpen ? 1 : 0);
  message.cargoTempC?.slice(0, DALLAS_TEMPERATURE.length).forEach((celsius, i) => {
    put(DALLAS_TEMPERATURE[i]!, 4, clampRound(celsius * 10, -550, 1150));
  });
  const harsh = message.harsh?.[0];
  if (harsh?.kind === 'impact') put(IO.crash, 1, 1);
  else if (harsh) {
    put(IO.greenDrivingType, 1, GREEN_DRIVING_TYPE[harsh.kind]);
    if (harsh.g !== undefined) put(IO.greenDrivingValue, 1, clampRound(harsh.g * 100, 0, 255));
  }
  const codes = message.dtcs?.flatMap((d) => (d.system === 'obd2' ? [d.code] : []));
  if (codec === CODEC_8_EXTENDED && codes && codes.length > 0) {
    const text = new TextEncoder().encode(codes.join(','));
    io.push({ id: IO.dtcs, size: text.length, value: text });
  }
  return {
    timestampMs: message.ts,
    priority: 0,
    // A tracker without a fix sends 0, 0 and no satellites, which the adapter reads as no position.
    longitude: position?.lon ?? 0,
    latitude: position?.lat ?? 0,
    altitude: clampRound(position?.altM ?? 0, -32768, 32767),
    angle: clampRound(position?.headingDeg ?? 0, 0, 359),
    satellites: position?.satellites ?? (position ? 8 : 0),
    speed: clampRound(position?.speedKph ?? 0, 0, 0xffff),
    eventIoId: 0,
    io,
  };
}

/**
 * The simulator's device codec for Teltonika trackers (the shape of simulator/devices/codec.ts
 * DeviceCodec): one Codec 8 or Codec 8 Extended TCP frame per reading, as the tracker sends it
 * after login.
 */
export function teltonikaDeviceCodecFor(codec: EncodableCodec) {
  return {
    format: 'teltonika',
    encode: (message: ReferenceMessage): Uint8Array => encodeAvlTcp(codec, [avlRecordOf(message, codec)]),
  };
}

/** Current FMB/FMC firmware sends Codec 8 Extended. */
export const teltonikaDeviceCodec = teltonikaDeviceCodecFor(CODEC_8_EXTENDED);
export const teltonikaCodec8DeviceCodec = teltonikaDeviceCodecFor(CODEC_8);
