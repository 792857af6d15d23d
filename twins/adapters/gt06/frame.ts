import { DecodeError } from '../adapter';
import { crc16X25 } from '../binary/crc16';

/** One GT06 frame with its framing checked and stripped. */
export interface Gt06Frame {
  /** 0x7979 start (2-byte length field) rather than 0x7878. */
  extended: boolean;
  /** The length field as sent; basic WiFi frames use it for the access point count. */
  length: number;
  protocol: number;
  /** The information content: everything between the protocol number and the serial number. */
  body: Uint8Array;
  serial?: number;
  checksum: 'verified' | 'not_verified' | 'absent';
}

export interface FrameOptions {
  /** Refuse a frame whose CRC-ITU does not match (default). Off only for devices known to send wrong ones. */
  verifyCrc: boolean;
}

const STOP = [0x0d, 0x0a] as const;
const MSG_WIFI = 0x17;
const MSG_WIFI_2 = 0x69;
const GPS_LBS_RFID_LENGTH = 0x28;

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

function endsWithStop(payload: Uint8Array): boolean {
  return payload[payload.length - 2] === STOP[0] && payload[payload.length - 1] === STOP[1];
}

/**
 * Splits one GT06 frame: start bits, length, protocol number, content, serial number, CRC-ITU
 * over length..serial, stop bits 0x0D0A. One MQTT message is one frame, so the payload must be
 * exactly as long as the frame says. Two checksum-less forms are accepted because devices send
 * them: the WiFi reports 0x69/0x17 whose length byte counts access points and which end right
 * after the data, and basic frames of devices that send neither serial nor CRC, whose length
 * byte counts the content alone (so the payload is one byte longer than a standard frame).
 */
export function parseFrame(payload: Uint8Array, options: FrameOptions): Gt06Frame {
  if (payload.length < 6) throw new DecodeError('truncated', `${payload.length} bytes cannot hold a GT06 frame (6 at least)`);
  const start = (payload[0]! << 8) | payload[1]!;
  if (start !== 0x7878 && start !== 0x7979) {
    throw new DecodeError('bad_header', `starts with ${hex4(start)}, not 0x7878 or 0x7979`);
  }
  const extended = start === 0x7979;
  const lengthBytes = extended ? 2 : 1;
  const length = extended ? (payload[2]! << 8) | payload[3]! : payload[2]!;
  const protocolAt = 2 + lengthBytes;
  const protocol = payload[protocolAt]!;
  const bodyAt = protocolAt + 1;

  if (!extended && (protocol === MSG_WIFI_2 || (protocol === MSG_WIFI && length !== GPS_LBS_RFID_LENGTH))) {
    if (!endsWithStop(payload)) throw new DecodeError('bad_stop', 'WiFi report does not end with 0x0D0A');
    return { extended, length, protocol, body: payload.subarray(bodyAt, payload.length - 2), checksum: 'absent' };
  }

  const total = 2 + lengthBytes + length + 2;
  if (payload.length === total + 1 && !extended && endsWithStop(payload)) {
    return { extended, length, protocol, body: payload.subarray(bodyAt, bodyAt + length), checksum: 'absent' };
  }
  if (payload.length < total) {
    throw new DecodeError('truncated', `frame declares ${total} bytes, the payload has ${payload.length}`);
  }
  if (payload.length > total) {
    throw new DecodeError('bad_length', `frame declares ${total} bytes, the payload has ${payload.length}: one message must carry exactly one frame`);
  }
  if (length < 5) throw new DecodeError('bad_length', `length ${length} cannot hold protocol number, serial number and CRC (5 bytes)`);
  if (!endsWithStop(payload)) throw new DecodeError('bad_stop', 'frame does not end with 0x0D0A');

  const crcAt = total - 4;
  const sent = (payload[crcAt]! << 8) | payload[crcAt + 1]!;
  const computed = crc16X25(payload.subarray(2, crcAt));
  if (sent !== computed && options.verifyCrc) {
    throw new DecodeError('bad_crc', `CRC-ITU ${hex4(sent)} does not match ${hex4(computed)} computed over the frame`);
  }
  return {
    extended,
    length,
    protocol,
    body: payload.subarray(bodyAt, crcAt - 2),
    serial: (payload[crcAt - 2]! << 8) | payload[crcAt - 1]!,
    checksum: sent === computed ? 'verified' : 'not_verified',
  };
}
