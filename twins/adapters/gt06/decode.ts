import { DecodeError } from '../adapter';
import { ByteReader } from '../binary/byte-reader';
import { toHex } from '../binary/hex';
import { parseFrame } from './frame';
import { deviceModel } from './model';
import { Gt06Report } from './report';
import { variantOf } from './variant';
import { decodeAz735 } from './messages/az735';
import { decodeMultiCell, decodeWifi, MULTI_CELL_TYPES } from './messages/cells';
import type { MessageContext, MessageDecoder } from './messages/context';
import { decodeDashcamAlarm } from './messages/dashcam-alarm';
import { decodeInformation } from './messages/info';
import { decodeModular } from './messages/modular';
import { decodeObd } from './messages/obd';
import { decodePeripheral } from './messages/peripheral';
import { decodePositionFamily, isPositionFamily } from './messages/position';
import { decodeGl21lStatus, decodeHeartbeat, decodeLongStatus, LONG_STATUS_LENGTH } from './messages/status';
import { decodeSerialData, decodeStringInfo, decodeStringResponse } from './messages/text';
import { decodeGpsLbs8, decodeIButton, decodeSr411Mini, decodeX1 } from './messages/vendor-positions';

export interface Gt06Options {
  /** Device model (Traccar's per-device model setting) for clones that reuse codes. */
  model?: string;
  /** Refuse frames whose CRC-ITU is wrong (default true). */
  verifyCrc?: boolean;
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

const noReading = (why: string): MessageDecoder => () => {
  throw new DecodeError('no_reading', why);
};

/**
 * 0x01 login: IMEI (8 bytes BCD, a leading 0 nibble), then optionally the model code and the
 * time zone the device keeps its clock in. The adapter checks the IMEI against the topic's
 * device id (telemetry.ts).
 */
const login: MessageDecoder = (r, report) => {
  const digits = r.hex(8, 'IMEI');
  if (!/^\d{16}$/.test(digits)) throw new DecodeError('bad_imei', `login IMEI ${digits} is not BCD digits`);
  report.imei = digits.substring(1);
  if (r.remaining >= 2) report.set('modelCode', r.u16('model code'));
  if (r.remaining >= 2) {
    // Bits 15-4: hours * 100 + minutes; bit 3: west of Greenwich.
    const bits = r.u16('time zone');
    const value = bits >> 4;
    const minutes = (Math.floor(value / 100) * 60 + (value % 100)) * (bits & 0x08 ? -1 : 1);
    report.set('timezoneMinutes', minutes);
  }
};

/** Which decoder reads a message; the order is Traccar's, since some protocol numbers are shared. */
function decoderFor(ctx: MessageContext): MessageDecoder {
  const { frame, variant } = ctx;
  const type = frame.protocol;
  const ext = frame.extended;
  if (type === 0x01) return login;
  if (type === 0x23) return decodeHeartbeat;
  if (type === 0xa3 && variant === 'gl21l') return decodeGl21lStatus;
  if (type === 0x2a) return noReading('address request: the device asks the server for a street address');
  if (type === 0x8a) return noReading('time request: the device asks the server for the time');
  if (type === 0x34 && variant !== 'sl4x') return decodeX1;
  if (type === 0x35) return noReading('photo header: starts a picture upload');
  if ((type === 0x17 && variant !== 'rfid') || type === 0x69 || type === 0xf3) return decodeWifi;
  if (type === 0x94 && !ext) return decodeInformation;
  if (type === 0x24 && variant === 'sr411Mini') return decodeSr411Mini;
  if (MULTI_CELL_TYPES.has(type) && !(type === 0xa2 && variant === 'lw4g') && !(type === 0x33 && ext)) {
    return decodeMultiCell;
  }
  if (type === 0x15) return decodeStringResponse;
  if (type === 0x13 && frame.body.length === LONG_STATUS_LENGTH) return decodeLongStatus;
  if (type === 0x61) return decodeIButton;
  if (isPositionFamily(type, ctx) && !(ext && (type === 0x32 || type === 0x36))) {
    if (type === 0x19 && variant === 'space10x') return noReading('Space10X multi-cell report: cell towers only');
    return decodePositionFamily;
  }
  if (type === 0x95) return decodeDashcamAlarm;
  if (type === 0x21) return decodeStringInfo;
  if (type === 0x94) return decodeInformation;
  if (type === 0x36) return noReading('photo data: a chunk of a picture upload');
  if (type === 0x32 || type === 0x33) return decodeAz735;
  if (type === 0x8c) return decodeObd;
  if (type === 0x70) return decodeModular;
  if (type === 0x9b) return decodeSerialData;
  if (type === 0xf2) return decodePeripheral;
  if (type === 0x38) return decodeGpsLbs8;
  if (type >= 0x80 && type <= 0x82) return noReading(`online command frame ${hex2(type)}: carries no reading`);
  return () => {
    throw new DecodeError('unknown_type', `protocol number ${hex2(type)} (${ext ? 'extended' : 'basic'} frame, content ${toHex(frame.body.subarray(0, 16))}${frame.body.length > 16 ? '…' : ''}) is not one the adapter decodes`);
  };
}

/** One GT06 payload to what it says, in Traccar's terms; DecodeError when it says no reading. */
export function decodeGt06(payload: Uint8Array, options: Gt06Options = {}): Gt06Report {
  const frame = parseFrame(payload, { verifyCrc: options.verifyCrc ?? true });
  const ctx: MessageContext = { frame, variant: variantOf(frame), model: deviceModel(options.model) };
  const report = new Gt06Report(frame.protocol);
  decoderFor(ctx)(new ByteReader(frame.body), report, ctx);
  return report;
}
