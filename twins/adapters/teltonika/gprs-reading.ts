import { DecodeError } from '../adapter';
import type { Reading } from '../../telemetry/schema';
import { CODEC_12, CODEC_13, CODEC_14, type GprsCodec, type GprsMessage } from './frame';
import { toHex } from '../binary/hex';
import { ReadingBuilder } from './reading-builder';

const CAMERA = 0x0d;
/** Axle-load scales answer codec 12 with `UUUUww<12 values>;SSS`. */
const AXLE_LOAD = /^UUUUww(.*);SSS$/s;
const AXLE_NAMES = [...Array.from({ length: 8 }, (_, i) => `axle${i + 1}`), 'loadTruck', 'loadTrailer', 'totalTruck', 'totalTrailer'];

/**
 * A GPRS message as a reading of attributes, as Traccar keeps them: codec 12 and 14 responses
 * as `type` and `result` (text when printable, hex otherwise; axle-load answers as axle values),
 * codec 13 messages as `result`, or `driverUniqueId` when a tachograph card reader (GTSL) sends
 * one. Codec 12 camera messages are chunks of a photo transfer that needs the server to ask for
 * each next chunk: not telemetry, refused.
 */
export function readingOfGprsMessage(codec: GprsCodec, message: GprsMessage): Reading {
  const out = new ReadingBuilder();
  const text = printableText(message.data);
  if (codec === CODEC_13) {
    const driver = text?.startsWith('GTSL') ? text.split('|')[4] : undefined;
    if (driver !== undefined) out.attribute('driverUniqueId', driver);
    else out.attribute('result', text ?? toHex(message.data));
    return out.build();
  }
  if (codec === CODEC_12 && message.type === CAMERA) {
    throw new DecodeError(
      'camera_transfer',
      `codec 12 camera message (subtype ${message.data[0] ?? 'missing'}): one chunk of a photo transfer the server drives, not telemetry`,
    );
  }
  out.attribute('type', message.type);
  if (codec === CODEC_14 && message.imei !== undefined) out.attribute('imei', message.imei);
  if (message.data.length === 0) return out.build();
  const axles = text === undefined ? undefined : axleLoads(text);
  if (axles) axles.forEach((value, i) => out.attribute(AXLE_NAMES[i]!, value));
  else out.attribute('result', text ?? toHex(message.data));
  return out.build();
}

/** Traccar's rule: printable when every byte is 0x20-0x7F, CR or LF; then trimmed like Java's trim(). */
function printableText(data: Uint8Array): string | undefined {
  let text = '';
  for (const b of data) {
    if ((b < 0x20 && b !== 0x0d && b !== 0x0a) || b > 0x7f) return undefined;
    text += String.fromCharCode(b);
  }
  return text.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
}

function axleLoads(text: string): number[] | undefined {
  const body = AXLE_LOAD.exec(text)?.[1];
  if (body === undefined) return undefined;
  const fields = body.split(';').slice(0, AXLE_NAMES.length);
  if (fields.length !== AXLE_NAMES.length || !fields.every((f) => /^[-+]?\d+(\.\d+)?$/.test(f))) return undefined;
  return fields.map(Number);
}
