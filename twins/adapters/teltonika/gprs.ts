import { DecodeError } from '../adapter';
import type { ByteReader } from '../binary/byte-reader';
import { CODEC_13, CODEC_14, type GprsCodec, type GprsMessage } from './frame';
import { toHex } from '../binary/hex';

/**
 * One GPRS message: type, 4-byte size, body. Codec 13 bodies start with a 4-byte time in
 * seconds, codec 14 bodies with the 8-byte IMEI (BCD, 15 digits after a leading zero nibble);
 * both count towards the size.
 */
export function readGprsMessage(r: ByteReader, codec: GprsCodec): GprsMessage {
  const type = r.u8('message type');
  const size = r.u32('message size');
  if (codec === CODEC_13) {
    if (size < 4) throw new DecodeError('bad_length', `codec 13 message size ${size} cannot hold its 4-byte timestamp`);
    const timestampMs = r.u32('codec 13 timestamp') * 1000;
    return { type, timestampMs, data: r.bytesOf(size - 4, 'codec 13 message body') };
  }
  if (codec === CODEC_14) {
    if (size < 8) throw new DecodeError('bad_length', `codec 14 message size ${size} cannot hold its 8-byte IMEI`);
    const imeiDigits = toHex(r.bytesOf(8, 'codec 14 IMEI'));
    const imei = imeiDigits.startsWith('0') ? imeiDigits.slice(1) : imeiDigits;
    return { type, imei, data: r.bytesOf(size - 8, 'codec 14 message body') };
  }
  return { type, data: r.bytesOf(size, 'codec 12 message body') };
}
