import { DecodeError } from '../adapter';
import { parseHex, toHex } from '../obd2/hex';

/** A J1939 message as a logger saw it: who sent it, which parameter group, the data bytes. */
export interface J1939Frame {
  priority: number;
  pgn: number;
  source: number;
  /** PDU1 groups are addressed (255 = everyone); PDU2 groups are always broadcast. */
  destination: number;
  data: Uint8Array;
}

export const GLOBAL_ADDRESS = 0xff;
/** The largest message the transport protocol can carry (255 packets of 7 bytes). */
export const MAX_MESSAGE_BYTES = 1785;

const MAX_CAN_ID = 0x1fffffff;
/** candump's compact form: an extended (8 hex digit) CAN id, '#', the data bytes in hex. */
const CANDUMP = /^([0-9A-Fa-f]{8})#([0-9A-Fa-f]*)$/;

/**
 * The 29-bit identifier (J1939-21): priority (3 bits), extended data page, data page, PDU format,
 * PDU specific, source address. A PDU format below 240 (PDU1) makes PDU specific the destination,
 * so it is not part of the PGN; from 240 up (PDU2) it is the group extension.
 */
export function parseCanId(id: number): Omit<J1939Frame, 'data'> {
  const pf = (id >> 16) & 0xff;
  const ps = (id >> 8) & 0xff;
  const page = (id >> 24) & 0x3;
  const pdu1 = pf < 240;
  return {
    priority: (id >> 26) & 0x7,
    pgn: (page << 16) | (pf << 8) | (pdu1 ? 0 : ps),
    source: id & 0xff,
    destination: pdu1 ? ps : GLOBAL_ADDRESS,
  };
}

export function canIdOf(frame: Omit<J1939Frame, 'data'>): number {
  const pf = (frame.pgn >> 8) & 0xff;
  const ps = pf < 240 ? frame.destination : frame.pgn & 0xff;
  return ((frame.priority & 0x7) << 26) | (((frame.pgn >> 16) & 0x3) << 24) | (pf << 16) | (ps << 8) | (frame.source & 0xff);
}

/** One frame in candump's compact text form, `18FEEE00#7D...`, naming its index when refused. */
export function parseFrame(text: string, index: number): J1939Frame {
  const m = CANDUMP.exec(text.replace(/\s+/g, ''));
  const where = `frame ${index} "${text.slice(0, 40)}"`;
  if (!m) throw new DecodeError('bad_frame', `${where} is not an extended CAN frame like 18FEEE00#7D7D...`);
  const id = Number.parseInt(m[1] ?? '', 16);
  if (id > MAX_CAN_ID) throw new DecodeError('bad_frame', `${where}: ${m[1]} is not a 29-bit CAN id`);
  const data = parseHex(m[2] ?? '');
  if (!data) throw new DecodeError('bad_frame', `${where}: the data is not whole hex bytes`);
  if (data.length > MAX_MESSAGE_BYTES) throw new DecodeError('bad_frame', `${where} carries ${data.length} bytes, a J1939 message at most ${MAX_MESSAGE_BYTES}`);
  return { ...parseCanId(id), data };
}

export function formatFrame(frame: J1939Frame): string {
  return `${canIdOf(frame).toString(16).toUpperCase().padStart(8, '0')}#${toHex(frame.data, '')}`;
}
