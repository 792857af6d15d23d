import type { Reading } from '../../telemetry/schema';
import { jsonEnvelopeCodec } from '../json-envelope';
import { rawValue } from '../obd2/linear';
import { readTarget, withBusSpeed } from '../obd2/reading-target';
import { formatFrame, GLOBAL_ADDRESS, type J1939Frame } from './can-frame';
import { encodeDm1, lampAttributes, type Lamps } from './dm1';
import type { J1939Message } from './message';
import { MAX_VALID_RAW, PGN, spnsByPgn } from './spns';
import { broadcastFrames } from './transport';

const ENGINE_ECU = 0x00;
/** EEC1 and EEC2 go at priority 3 (they drive the powertrain), status groups at 6. */
const priorityOf = (pgn: number) => (pgn === PGN.EEC1 || pgn === PGN.EEC2 ? 3 : 6);

/**
 * The CAN traffic a J1939 bus would carry in the state `reading` describes: one 8-byte frame per
 * parameter group with a value (unused bytes FF, "not available"), and a DM1 whenever the reading
 * lists J1939 trouble codes — a single frame for one code, a BAM transfer for more. The j1939
 * adapter decodes it back to each parameter's resolution.
 */
export function encodeJ1939Frames(reading: Reading, source = ENGINE_ECU): J1939Frame[] {
  const frames: J1939Frame[] = [];
  for (const [pgn, spns] of spnsByPgn) {
    const present = spns.flatMap((spn) => {
      const value = readTarget(reading, spn.target);
      return value === undefined ? [] : [{ spn, raw: rawValue(value, spn, MAX_VALID_RAW[spn.bytes]) }];
    });
    if (present.length === 0) continue;
    const data = new Uint8Array(8).fill(0xff);
    for (const { spn, raw } of present) {
      for (let i = 0; i < spn.bytes; i++) data[spn.start - 1 + i] = Math.floor(raw / 256 ** i) % 256;
    }
    frames.push({ priority: priorityOf(pgn), pgn, source, destination: GLOBAL_ADDRESS, data });
  }
  if (reading.dtcs) {
    const codes = reading.dtcs.flatMap((d) => (d.system === 'j1939' ? [d] : []));
    const lamps: Lamps = {};
    for (const name of lampAttributes) {
      const on = reading.attributes?.[name];
      if (typeof on === 'boolean') lamps[name] = on;
    }
    const dm1: J1939Frame = { priority: 6, pgn: PGN.DM1, source, destination: GLOBAL_ADDRESS, data: encodeDm1(lamps, codes) };
    frames.push(...(dm1.data.length > 8 ? broadcastFrames(dm1) : [dm1]));
  }
  return frames;
}

export function encodeJ1939Message(seq: number, ts: number, reading: Reading): J1939Message {
  const frames = encodeJ1939Frames(reading).map(formatFrame);
  if (frames.length === 0) throw new RangeError('nothing in this reading has a J1939 parameter');
  return { v: 1, seq, ts, frames };
}

/** The simulator's device codec for J1939 loggers: a position's speed is sent as wheel-based speed. */
export const j1939DeviceCodec = jsonEnvelopeCodec('j1939', (seq, ts, reading) => encodeJ1939Message(seq, ts, withBusSpeed(reading)));
