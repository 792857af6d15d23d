import { DecodeError } from '../../adapter';
import { toLatin1, type ByteReader } from '../../binary/byte-reader';
import { toHex } from '../../binary/hex';
import { isPrintable, utcTime } from '../fields';
import type { Gt06Report } from '../report';

/*
 * Command responses. They answer a server command, but what they say is device data (an ICCID,
 * a reading, a position), so each becomes a record with Traccar's `result` (or the value).
 */

const utf16 = new TextDecoder('utf-16be');

/** The language field (2 bytes) that closes a 0x15 response. */
const LANGUAGE_BYTES = 2;

/**
 * 0x15 (basic): length, server flag, ASCII text, language. The length counts server flag and
 * text; some firmware sends 0 there and NUL-pads the text to a fixed size, so then the text is
 * whatever lies between the flag and the language field, up to its first NUL.
 */
export function decodeStringResponse(r: ByteReader, report: Gt06Report): void {
  const length = r.u8('command length');
  if (length > 0 && length < 4) throw new DecodeError('bad_length', `command length ${length} cannot hold the 4-byte server flag`);
  r.u32('server flag');
  const size = length > 0 ? length - 4 : Math.max(0, r.remaining - LANGUAGE_BYTES);
  const text = r.latin1(size, 'command text').split('\0')[0]!.trim();
  if (text.length === 0) throw new DecodeError('no_reading', 'command response carries no text');
  if (text.startsWith('<ICCID:')) report.set('iccid', text.substring(7, 27));
  else report.set('result', text);
}

/** "Current position!Lat:N54.739,Lon:E25.276,Course:0.00,Speed:0.00,DateTime:2017-11-23 13:04:16" */
const POSITION_TEXT =
  /Current position!Lat:([NS])(\d+\.\d+),Lon:([EW])(\d+\.\d+),Course:(\d+\.\d+),Speed:(\d+\.\d+),DateTime:(\d{4})-(\d\d)-(\d\d) +(\d\d):(\d\d):(\d\d)/;

/** 0x21 (extended): server flag, encoding (1 ASCII, else UTF-16BE), text; a position answer is parsed. */
export function decodeStringInfo(r: ByteReader, report: Gt06Report): void {
  r.u32('server flag');
  const ascii = r.u8('encoding') === 1;
  const bytes = r.rest('text');
  const text = ascii ? toLatin1(bytes) : utf16.decode(bytes);
  const m = POSITION_TEXT.exec(text);
  if (!m) {
    report.set('result', text);
    return;
  }
  const n = m.slice(1).map(Number);
  report.time = utcTime(n[6]!, n[7]!, n[8]!, n[9]!, n[10]!, n[11]!);
  report.fix = {
    latitude: m[1] === 'S' ? -n[1]! : n[1]!,
    longitude: m[3] === 'W' ? -n[3]! : n[3]!,
    valid: true,
    courseDeg: n[4]!,
    speedKph: n[5]!,
  };
}

/** 0x9B (extended): transparent serial data from an external device; printable text or hex. */
export function decodeSerialData(r: ByteReader, report: Gt06Report): void {
  r.u8('external device type');
  const data = r.rest('serial data');
  if (data.length === 0) throw new DecodeError('no_reading', 'serial data message is empty');
  report.set('result', isPrintable(data) ? toLatin1(data).trim() : toHex(data));
}
