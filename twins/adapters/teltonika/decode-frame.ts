import { DecodeError } from '../adapter';
import { readAvlRecord } from './avl-codec';
import { ByteReader } from '../binary/byte-reader';
import { crc16Ibm } from '../binary/crc16';
import {
  CODEC_12,
  CODEC_13,
  CODEC_14,
  CODEC_16,
  CODEC_8,
  CODEC_8_EXTENDED,
  CODEC_GH3000,
  type FrameBody,
  type TeltonikaFrame,
  type UdpHeader,
} from './frame';
import { readGh3000Record } from './gh3000';
import { readGprsMessage } from './gprs';

export interface FrameDecodeOptions {
  /**
   * Whether AVL records carry a 16-byte IO group after the 8-byte one (Traccar's "extended"
   * setting). 'auto' (the default) reads the standard layout and, only if that does not fit the
   * frame, the extended one: a frame's length and record counts leave room for just one.
   */
  io16Group?: boolean | 'auto';
}

const KNOWN_CODECS = '0x07 (GH3000), 0x08, 0x8E, 0x10 (AVL data), 0x0C, 0x0D, 0x0E (GPRS messages)';

/**
 * Decodes one Teltonika message as a device sends it: a TCP frame (4 zero bytes, data length,
 * codec … second record count, CRC-16/IBM) or a UDP datagram (length, packet id, a spare byte,
 * AVL packet id, IMEI, codec … second record count). Checks the CRC, both record counts and
 * every length; never throws anything but DecodeError and never reads past `payload`.
 */
export function decodeTeltonikaFrame(payload: Uint8Array, options: FrameDecodeOptions = {}): TeltonikaFrame {
  if (payload.length === 0) throw new DecodeError('empty', 'empty payload');
  if (payload.length === 1 && payload[0] === 0xff) {
    throw new DecodeError('keepalive', 'a single 0xFF byte is a Teltonika keep-alive ping, not telemetry');
  }
  const imei = imeiLogin(payload);
  if (imei !== undefined) {
    throw new DecodeError(
      'imei_login',
      `IMEI login packet (${imei}) opens a TCP session; it carries no telemetry and the MQTT topic already names the device`,
    );
  }
  const io16Group = options.io16Group ?? 'auto';
  if (payload.length >= 4 && payload[0] === 0 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
    return decodeTcp(payload, io16Group);
  }
  return decodeUdp(payload, io16Group);
}

/** `000F` + 15 ASCII digits (any length prefix followed by exactly that many digits). */
function imeiLogin(payload: Uint8Array): string | undefined {
  if (payload.length < 3) return undefined;
  const length = (payload[0]! << 8) | payload[1]!;
  if (length !== payload.length - 2) return undefined;
  let digits = '';
  for (let i = 2; i < payload.length; i++) {
    const c = payload[i]!;
    if (c < 0x30 || c > 0x39) return undefined;
    digits += String.fromCharCode(c);
  }
  return digits;
}

function decodeTcp(payload: Uint8Array, io16Group: boolean | 'auto'): TeltonikaFrame {
  const r = new ByteReader(payload);
  r.u32('preamble');
  const dataLength = r.u32('data length');
  const expected = 8 + dataLength + 4;
  if (payload.length < expected) {
    throw new DecodeError('truncated', `TCP frame announces ${dataLength} data bytes (${expected} in all), the payload has ${payload.length}`);
  }
  if (payload.length > expected) {
    throw new DecodeError('bad_length', `TCP frame announces ${dataLength} data bytes (${expected} in all), the payload has ${payload.length - expected} more`);
  }
  const data = payload.subarray(8, 8 + dataLength);
  const crcReader = new ByteReader(payload.subarray(8 + dataLength));
  const sent = crcReader.u32('CRC');
  const computed = crc16Ibm(data);
  if (sent !== computed) {
    throw new DecodeError('bad_crc', `CRC-16/IBM of the data is 0x${hex4(computed)}, the frame says 0x${sent.toString(16).padStart(8, '0')}`);
  }
  return { transport: 'tcp', ...decodeBody(data, io16Group) };
}

function decodeUdp(payload: Uint8Array, io16Group: boolean | 'auto'): TeltonikaFrame {
  const r = new ByteReader(payload);
  const packetLength = r.u16('UDP packet length');
  if (packetLength === 0) {
    throw new DecodeError('unrecognised_frame', 'neither a TCP frame (4 zero bytes first) nor a UDP datagram (a non-zero length first)');
  }
  if (payload.length - 2 < packetLength) {
    throw new DecodeError('truncated', `UDP datagram announces ${packetLength} bytes after its length, the payload has ${payload.length - 2}`);
  }
  if (payload.length - 2 > packetLength) {
    throw new DecodeError('bad_length', `UDP datagram announces ${packetLength} bytes after its length, the payload has ${payload.length - 2}`);
  }
  const packetId = r.u16('UDP packet id');
  r.u8('UDP spare byte');
  const avlPacketId = r.u8('AVL packet id');
  const imeiBytes = r.bytesOf(r.u16('IMEI length'), 'IMEI');
  const imei = String.fromCharCode(...imeiBytes);
  if (!/^[0-9]{1,20}$/.test(imei)) {
    throw new DecodeError('bad_imei', `UDP datagram IMEI is not 1-20 ASCII digits (${imeiBytes.length} bytes)`);
  }
  const udp: UdpHeader = { packetLength, packetId, avlPacketId, imei };
  return { transport: 'udp', udp, ...decodeBody(payload.subarray(r.position), io16Group) };
}

/** codec id, record count, records, record count again: exactly the given bytes. */
function decodeBody(data: Uint8Array, io16Group: boolean | 'auto'): FrameBody {
  if (io16Group !== 'auto') return decodeBodyWith(data, io16Group);
  try {
    return decodeBodyWith(data, false);
  } catch (standard) {
    const codec = data[0];
    if (!(standard instanceof DecodeError) || !(codec === CODEC_8 || codec === CODEC_8_EXTENDED || codec === CODEC_16)) {
      throw standard;
    }
    try {
      return decodeBodyWith(data, true);
    } catch {
      throw standard;
    }
  }
}

function decodeBodyWith(data: Uint8Array, io16Group: boolean): FrameBody {
  const r = new ByteReader(data);
  const codec = r.u8('codec id');
  const count = r.u8('record count');
  let body: FrameBody;
  switch (codec) {
    case CODEC_GH3000:
      body = { kind: 'avl', codec, records: repeat(count, () => readGh3000Record(r)) };
      break;
    case CODEC_8:
    case CODEC_8_EXTENDED:
    case CODEC_16:
      body = { kind: 'avl', codec, records: repeat(count, () => readAvlRecord(r, codec, io16Group)) };
      break;
    case CODEC_12:
    case CODEC_13:
    case CODEC_14:
      body = { kind: 'gprs', codec, messages: repeat(count, () => readGprsMessage(r, codec)) };
      break;
    default:
      throw new DecodeError('unknown_codec', `codec 0x${codec.toString(16).padStart(2, '0')} is not one this adapter reads; known: ${KNOWN_CODECS}`);
  }
  if (count === 0) throw new DecodeError('no_records', 'the frame holds 0 records');
  const second = r.u8('second record count');
  if (second !== count) {
    throw new DecodeError('count_mismatch', `record count is ${count} before the records and ${second} after`);
  }
  if (r.remaining > 0) {
    throw new DecodeError('bad_length', `${r.remaining} bytes follow the second record count`);
  }
  return body;
}

function repeat<T>(count: number, read: () => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(read());
  return out;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
