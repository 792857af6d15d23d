/**
 * What a Teltonika frame says, before any mapping to canonical telemetry: the decoder's output
 * and the encoder's input. Field names follow Teltonika's "Data Sending Protocols" page.
 */

export const CODEC_GH3000 = 0x07;
export const CODEC_8 = 0x08;
export const CODEC_8_EXTENDED = 0x8e;
export const CODEC_12 = 0x0c;
export const CODEC_13 = 0x0d;
export const CODEC_14 = 0x0e;
export const CODEC_16 = 0x10;

export type AvlCodec = typeof CODEC_GH3000 | typeof CODEC_8 | typeof CODEC_8_EXTENDED | typeof CODEC_16;
export type GprsCodec = typeof CODEC_12 | typeof CODEC_13 | typeof CODEC_14;

/**
 * One IO element. Fixed-width values (1, 2, 4, 8 bytes) are unsigned integers, a bigint only
 * when an 8-byte value passes 2^53 - 1; the 16-byte group and Codec 8 Extended's
 * variable-length (NX) group keep their bytes. `size` is the width the device declared, which
 * is what a signed reading of the value needs.
 */
export type IoValue = number | bigint | Uint8Array;
export interface IoElement {
  id: number;
  size: number;
  value: IoValue;
}

/** One AVL record. Teltonika sends longitude BEFORE latitude, both as signed 1e-7 degrees. */
export interface AvlRecord {
  timestampMs: number;
  /** 0 low, 1 high, 2 panic. */
  priority: number;
  /** Degrees. Absent only in GH3000 records whose GPS element is missing. */
  longitude?: number;
  latitude?: number;
  /** Metres above sea level. */
  altitude?: number;
  /** Heading, degrees from north. */
  angle?: number;
  satellites?: number;
  /** km/h. */
  speed?: number;
  /** The IO element that caused the record, 0 for a periodic record. */
  eventIoId?: number;
  /** Codec 16 only: on exit 0, on entrance 1, on both 2, hysteresis 4, on change 5, eventual 6, periodical 7. */
  generationType?: number;
  io: IoElement[];
  /** GH3000 only: the serving cell and signal, whichever parts the record carries. */
  gsm?: { lac?: number; cid?: number; rssi?: number; operator?: number };
}

/** One GPRS command or response (codecs 12, 13, 14). */
export interface GprsMessage {
  /** 0x05 command, 0x06 response, 0x0D camera (codec 12), 0x11 IMEI mismatch (codec 14). */
  type: number;
  /** Codec 13: when the device produced the message (it is sent in whole seconds). */
  timestampMs?: number;
  /** Codec 14: the IMEI the command was addressed to. */
  imei?: string;
  /** The message body without the codec 13 timestamp or the codec 14 IMEI. */
  data: Uint8Array;
}

export interface UdpHeader {
  /** The leading length field: every byte after it. */
  packetLength: number;
  packetId: number;
  avlPacketId: number;
  imei: string;
}

interface FrameBase {
  transport: 'tcp' | 'udp';
  udp?: UdpHeader;
}

/** What follows the transport header: AVL records or GPRS messages. */
export type FrameBody =
  | { kind: 'avl'; codec: AvlCodec; records: AvlRecord[] }
  | { kind: 'gprs'; codec: GprsCodec; messages: GprsMessage[] };

export type TeltonikaFrame = FrameBase & FrameBody;
