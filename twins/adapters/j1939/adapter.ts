import { jsonEnvelopeAdapter } from '../json-envelope';
import { parseFrame } from './can-frame';
import { decodeFrames } from './decode-frames';
import { j1939MessageSchema } from './message';
import { reassemble } from './transport';

/**
 * Heavy-vehicle bus loggers (SAE J1939: trucks, buses, machines): one JSON message of raw CAN
 * frames per upload (docs/device-format.md, "J1939"). Transport-protocol transfers are
 * reassembled, then the engine, speed, distance, fuel and temperature parameter groups and the
 * DM1 active trouble codes (SPN/FMI/occurrences) become one canonical reading.
 */
export const j1939Adapter = jsonEnvelopeAdapter({
  format: 'j1939',
  defaultKind: 'obd',
  description: 'J1939 vehicle-bus logger: raw CAN frames (candump form) in JSON; EEC1/2, CCVS1, ET1, EFL/P1, DD, VD, VDHR, HOURS, VEP1, IC1, LFE, AMB and DM1',
  schema: j1939MessageSchema,
  read: (message) => decodeFrames(reassemble(message.frames.map(parseFrame))),
});
