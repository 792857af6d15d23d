import { MAX_TIMESTAMP_MS } from './avl-codec';
import { crc16Ibm } from '../binary/crc16';
import { CODEC_8, CODEC_8_EXTENDED, type AvlRecord, type IoElement } from './frame';

/** What a Codec 8 / 8 Extended record must carry: every GPS field, unlike a GH3000 record. */
export type EncodableAvlRecord = Pick<AvlRecord, 'timestampMs' | 'priority' | 'io'> &
  Required<Pick<AvlRecord, 'longitude' | 'latitude' | 'altitude' | 'angle' | 'satellites' | 'speed' | 'eventIoId'>>;

export type EncodableCodec = typeof CODEC_8 | typeof CODEC_8_EXTENDED;

const FIXED_SIZES = [1, 2, 4, 8] as const;

/**
 * How wide the IO ids and counts are: one byte in Codec 8, two in Codec 8 Extended, which also
 * has the variable-length (NX) group.
 */
const LAYOUT = {
  [CODEC_8]: { width: 1, nx: false },
  [CODEC_8_EXTENDED]: { width: 2, nx: true },
} as const satisfies Record<EncodableCodec, { width: 1 | 2; nx: boolean }>;

/**
 * A Codec 8 or Codec 8 Extended TCP frame, byte for byte what an FMB tracker sends after its IMEI
 * login: preamble, data length, codec id, the records, the record count again, CRC-16/IBM. IO
 * elements go to the group of their `size` (1, 2, 4, 8 bytes; a byte-array value goes to Codec 8
 * Extended's variable-length NX group); a negative fixed value is written in two's complement.
 * Only Uint8Array and DataView are used, so the simulator can run it anywhere. Throws RangeError
 * on a value the codec cannot carry (an IO id over 255 or a byte array in Codec 8).
 */
export function encodeAvlTcp(codec: EncodableCodec, records: readonly EncodableAvlRecord[]): Uint8Array {
  if (records.length < 1 || records.length > 255) {
    throw new RangeError(`a frame carries 1-255 records, not ${records.length}`);
  }
  const data = new ByteWriter();
  data.uint(codec, 1, 'codec id');
  data.uint(records.length, 1, 'record count');
  records.forEach((record, index) => writeRecord(data, record, LAYOUT[codec], `record ${index}`));
  data.uint(records.length, 1, 'record count');
  const body = data.bytes();

  const frame = new ByteWriter();
  frame.uint(0, 4, 'preamble');
  frame.uint(body.length, 4, 'data length');
  frame.raw(body);
  frame.uint(crc16Ibm(body), 4, 'CRC');
  return frame.bytes();
}

function writeRecord(w: ByteWriter, r: EncodableAvlRecord, layout: (typeof LAYOUT)[EncodableCodec], where: string): void {
  if (!Number.isInteger(r.timestampMs) || r.timestampMs < 0 || r.timestampMs > MAX_TIMESTAMP_MS) {
    throw new RangeError(`${where}: timestamp ${r.timestampMs} is not epoch milliseconds`);
  }
  const { width } = layout;
  w.uint(Math.floor(r.timestampMs / 2 ** 32), 4, `${where} timestamp`);
  w.uint(r.timestampMs % 2 ** 32, 4, `${where} timestamp`);
  w.uint(r.priority, 1, `${where} priority`);
  w.int(Math.round(r.longitude * 1e7), 4, `${where} longitude`);
  w.int(Math.round(r.latitude * 1e7), 4, `${where} latitude`);
  w.int(Math.round(r.altitude), 2, `${where} altitude`);
  w.uint(Math.round(r.angle), 2, `${where} angle`);
  w.uint(r.satellites, 1, `${where} satellites`);
  w.uint(Math.round(r.speed), 2, `${where} speed`);
  w.uint(r.eventIoId, width, `${where} event IO id`);
  const unplaced = r.io.find((e) => !(e.value instanceof Uint8Array) && !(FIXED_SIZES as readonly number[]).includes(e.size));
  if (unplaced) throw new RangeError(`${where} IO ${unplaced.id}: a fixed value is 1, 2, 4 or 8 bytes, not ${unplaced.size}`);
  const nx = r.io.filter((e) => e.value instanceof Uint8Array);
  if (!layout.nx && nx.length > 0) throw new RangeError(`${where} IO ${nx[0]!.id}: Codec 8 has no variable-length elements`);
  w.uint(r.io.length, width, `${where} total IO count`);
  for (const size of FIXED_SIZES) {
    const group = r.io.filter((e) => !(e.value instanceof Uint8Array) && e.size === size);
    w.uint(group.length, width, `${where} ${size}-byte IO count`);
    for (const e of group) {
      w.uint(e.id, width, `${where} IO id`);
      writeFixed(w, e, `${where} IO ${e.id}`);
    }
  }
  if (!layout.nx) return;
  w.uint(nx.length, 2, `${where} NX IO count`);
  for (const e of nx) {
    const bytes = e.value as Uint8Array;
    if (e.size !== bytes.length) throw new RangeError(`${where} IO ${e.id}: size ${e.size} but ${bytes.length} bytes`);
    w.uint(e.id, 2, `${where} NX IO id`);
    w.uint(bytes.length, 2, `${where} NX IO ${e.id} length`);
    w.raw(bytes);
  }
}

function writeFixed(w: ByteWriter, e: IoElement, where: string): void {
  const bits = BigInt(e.size * 8);
  let v: bigint;
  try {
    v = BigInt(e.value as number | bigint);
  } catch {
    throw new RangeError(`${where}: ${String(e.value)} is not an integer`);
  }
  if (v < -(1n << (bits - 1n)) || v >= 1n << bits) throw new RangeError(`${where}: ${v} does not fit ${e.size} bytes`);
  w.big(BigInt.asUintN(Number(bits), v), e.size);
}

/** Big-endian bytes into a growing buffer. */
class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private room(count: number): DataView {
    if (this.length + count > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    const view = new DataView(this.buffer.buffer, this.length, count);
    this.length += count;
    return view;
  }

  uint(value: number, size: 1 | 2 | 4, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
      throw new RangeError(`${what}: ${value} is not an unsigned ${size}-byte integer`);
    }
    this.big(BigInt(value), size);
  }

  int(value: number, size: 2 | 4, what: string): void {
    const half = 2 ** (8 * size - 1);
    if (!Number.isInteger(value) || value < -half || value >= half) {
      throw new RangeError(`${what}: ${value} is not a signed ${size}-byte integer`);
    }
    this.big(BigInt.asUintN(8 * size, BigInt(value)), size);
  }

  big(value: bigint, size: number): void {
    const view = this.room(size);
    for (let i = size - 1; i >= 0; i--) {
      view.setUint8(i, Number(value & 0xffn));
      value >>= 8n;
    }
  }

  raw(bytes: Uint8Array): void {
    const view = this.room(bytes.length);
    new Uint8Array(view.buffer, view.byteOffset, bytes.length).set(bytes);
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
