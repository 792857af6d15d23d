import { engineSchema, type Dtc, type Reading } from '../../telemetry/schema';
import { DecodeError } from '../adapter';
import { hexByte } from '../obd2/hex';
import { physicalValue } from '../obd2/linear';
import { ReadingBuilder } from '../obd2/reading-target';
import type { J1939Frame } from './can-frame';
import { decodeDm1, type Lamps } from './dm1';
import { MAX_VALID_RAW, PGN, readLittleEndian, spnsByPgn, type LinearSpn } from './spns';

export type J1939Reading = Pick<Reading, 'engine' | 'attributes' | 'dtcs'>;

/**
 * Folds a logger's reassembled messages into one reading. A parameter sent several times (EEC1
 * comes every 20 ms) keeps its last value; "not available" and error values are skipped, as
 * J1939 means them. DM1s of all ECUs together are the active codes (`dtcs`, `[]` when every DM1
 * says none), their lamps are or-ed. Parameter groups the adapter has no formula for are
 * ignored: a bus carries dozens; only a message of nothing else is refused, `unknown_pgn`.
 */
export function decodeFrames(frames: readonly J1939Frame[]): J1939Reading {
  const values = new Map<number, { spn: LinearSpn; raw: number }>();
  const unknown = new Set<number>();
  let dm1: { lamps: Lamps; dtcs: Map<string, Extract<Dtc, { system: 'j1939' }>>; legacy: Set<string> } | undefined;
  let understood = false;

  for (const frame of frames) {
    const where = `PGN ${frame.pgn} from source ${hexByte(frame.source)}`;
    if (frame.pgn === PGN.DM1) {
      const decoded = decodeDm1(frame.data, where);
      dm1 ??= { lamps: {}, dtcs: new Map(), legacy: new Set() };
      for (const [lamp, on] of Object.entries(decoded.lamps) as Array<[keyof Lamps, boolean]>) dm1.lamps[lamp] = (dm1.lamps[lamp] ?? false) || on;
      for (const d of decoded.dtcs) dm1.dtcs.set(`${d.spn}/${d.fmi}`, d);
      for (const hex of decoded.legacy) dm1.legacy.add(hex);
      understood = true;
      continue;
    }
    const spns = spnsByPgn.get(frame.pgn);
    if (!spns) {
      unknown.add(frame.pgn);
      continue;
    }
    understood = true;
    for (const spn of spns) {
      if (frame.data.length < spn.start - 1 + spn.bytes) {
        throw new DecodeError('bad_frame', `${where} has ${frame.data.length} bytes, SPN ${spn.spn} (${spn.name}) needs byte ${spn.start - 1 + spn.bytes}`);
      }
      const raw = readLittleEndian(frame.data, spn.start - 1, spn.bytes);
      if (raw <= MAX_VALID_RAW[spn.bytes]) values.set(spn.spn, { spn, raw });
      else values.delete(spn.spn);
    }
  }

  if (!understood) {
    throw new DecodeError('unknown_pgn', `no parameter group in the message is one the j1939 adapter decodes (PGN ${[...unknown].slice(0, 8).join(', ')})`);
  }

  const out = new ReadingBuilder();
  for (const { spn, raw } of values.values()) {
    if (spn.yieldsTo !== undefined && values.has(spn.yieldsTo)) continue;
    const value = physicalValue(raw, spn);
    // A value outside the canonical range (a broken sensor, a 500-million-km odometer) is kept
    // under its SPN instead of refusing the whole message at validation.
    if ('engine' in spn.target && !engineSchema.shape[spn.target.engine].safeParse(value).success) out.attribute(`spn${spn.spn}`, value);
    else out.set(spn.target, value);
  }
  const reading: J1939Reading = out.build();
  if (dm1) {
    reading.dtcs = [...dm1.dtcs.values()];
    const extra: Record<string, boolean | string> = { ...dm1.lamps };
    if (dm1.legacy.size > 0) extra.legacyDtcs = [...dm1.legacy].join(',');
    if (Object.keys(extra).length > 0) reading.attributes = { ...reading.attributes, ...extra };
  }
  return reading;
}
