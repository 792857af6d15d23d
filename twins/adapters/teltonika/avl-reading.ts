import { positionSchema, type Reading } from '../../telemetry/schema';
import { CODEC_GH3000, type AvlCodec, type AvlRecord } from './frame';
import { applyIo, fmb6DriverId, type ModelFamily } from './io-rules';
import { plainValueOf } from './io-values';
import { ReadingBuilder } from './reading-builder';

type Position = NonNullable<Reading['position']>;

/** One AVL record as a canonical reading: its position, then every IO element. */
export function readingOfAvlRecord(record: AvlRecord, codec: AvlCodec, family: ModelFamily): Reading {
  const position = positionOf(record);
  const out = new ReadingBuilder(position);
  out.attribute('priority', record.priority);
  if (record.eventIoId !== undefined) out.attribute('event', record.eventIoId);
  if (record.generationType !== undefined) out.attribute('generationType', record.generationType);
  if (!position && record.satellites !== undefined) out.attribute('sat', record.satellites);
  if (record.gsm) {
    const { lac, cid, rssi, operator } = record.gsm;
    if (lac !== undefined) out.attribute('lac', lac);
    if (cid !== undefined) out.attribute('cid2g', cid);
    if (rssi !== undefined) out.attribute('rssi', rssi);
    if (operator !== undefined) out.attribute('operator', operator);
  }
  for (const element of record.io) {
    if (!applyIo(element, out, record, family, codec === CODEC_GH3000)) {
      out.attribute(`io${element.id}`, plainValueOf(element));
    }
  }
  if (family === 'fmb6') {
    const driver = fmb6DriverId(record);
    if (driver) out.attribute('driverUniqueId', driver);
  }
  return out.build();
}

/**
 * Traccar reports every record's coordinates and marks them invalid when no satellite is in
 * use. Canonical telemetry has no validity flag, so a position is kept when it is plausible:
 * inside the globe's ranges and not exactly (0, 0), which is what a tracker that has never had
 * a fix sends. A record sent without a fix but with its last known coordinates keeps them, with
 * `satellites: 0` saying they are not fresh. Fields outside the canonical ranges are left out.
 */
function positionOf(record: AvlRecord): Position | undefined {
  const { latitude: lat, longitude: lon } = record;
  if (lat === undefined || lon === undefined) return undefined;
  if (!positionSchema.shape.lat.safeParse(lat).success || !positionSchema.shape.lon.safeParse(lon).success) return undefined;
  if (lat === 0 && lon === 0) return undefined;
  const position: Position = { lat, lon };
  const optional = { altM: record.altitude, speedKph: record.speed, headingDeg: record.angle, satellites: record.satellites };
  for (const [key, value] of Object.entries(optional) as Array<[keyof typeof optional, number | undefined]>) {
    if (value !== undefined && positionSchema.shape[key].safeParse(value).success) position[key] = value;
  }
  return position;
}
