import { DecodeError } from '../adapter';
import type { ByteReader } from '../binary/byte-reader';
import { CODEC_16, CODEC_8, CODEC_8_EXTENDED, type AvlRecord } from './frame';

/** The largest time the canonical schema accepts (JavaScript's Date range), in epoch ms. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

export type FixedAvlCodec = typeof CODEC_8 | typeof CODEC_8_EXTENDED | typeof CODEC_16;

/**
 * Codec 8, 8 Extended and 16 AVL records. They differ only in field widths: Codec 8 Extended
 * widens the event id, every count and every IO id to 2 bytes and adds the variable-length (NX)
 * group; Codec 16 widens the event id and IO ids only and adds the generation type.
 * `withIo16Group`: some firmware sends a 16-byte IO group after the 8-byte one (Traccar's
 * "extended" port setting); the frame decoder decides when it is there.
 */
export function readAvlRecord(r: ByteReader, codec: FixedAvlCodec, withIo16Group: boolean): AvlRecord {
  const wideCounts = codec === CODEC_8_EXTENDED;
  const wideIds = codec === CODEC_8_EXTENDED || codec === CODEC_16;
  const count = (what: string): number => (wideCounts ? r.u16(what) : r.u8(what));
  const ioId = (): number => (wideIds ? r.u16('IO id') : r.u8('IO id'));

  const timestamp = r.u64('record timestamp');
  if (typeof timestamp === 'bigint' || timestamp > MAX_TIMESTAMP_MS) {
    throw new DecodeError('bad_timestamp', `record timestamp ${timestamp} ms is beyond any real date`);
  }
  const record: AvlRecord = {
    timestampMs: timestamp,
    priority: r.u8('priority'),
    longitude: r.i32('longitude') / 1e7,
    latitude: r.i32('latitude') / 1e7,
    altitude: r.i16('altitude'),
    angle: r.u16('angle'),
    satellites: r.u8('satellites'),
    speed: r.u16('speed'),
    eventIoId: wideIds ? r.u16('event IO id') : r.u8('event IO id'),
    io: [],
  };
  if (codec === CODEC_16) record.generationType = r.u8('generation type');

  const declaredTotal = count('total IO count');
  let total = 0;
  for (const size of [1, 2, 4, 8] as const) {
    const n = count(`${size}-byte IO count`);
    total += n;
    for (let i = 0; i < n; i++) {
      const id = ioId();
      record.io.push({ id, size, value: readFixed(r, size) });
    }
  }
  if (withIo16Group) {
    const n = count('16-byte IO count');
    total += n;
    for (let i = 0; i < n; i++) {
      const id = ioId();
      record.io.push({ id, size: 16, value: r.bytesOf(16, '16-byte IO value') });
    }
  }
  if (codec === CODEC_8_EXTENDED) {
    const n = r.u16('NX IO count');
    total += n;
    for (let i = 0; i < n; i++) {
      const id = r.u16('NX IO id');
      const size = r.u16('NX IO length');
      record.io.push({ id, size, value: r.bytesOf(size, `NX IO ${id} value`) });
    }
  }
  if (total !== declaredTotal) {
    throw new DecodeError('io_count_mismatch', `record says ${declaredTotal} IO elements, its groups hold ${total}`);
  }
  return record;
}

function readFixed(r: ByteReader, size: 1 | 2 | 4 | 8): number | bigint {
  switch (size) {
    case 1:
      return r.u8('1-byte IO value');
    case 2:
      return r.u16('2-byte IO value');
    case 4:
      return r.u32('4-byte IO value');
    case 8:
      return r.u64('8-byte IO value');
  }
}
