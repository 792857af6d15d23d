import { DecodeError } from '../adapter';
import { hexByte } from '../obd2/hex';
import type { J1939Frame } from './can-frame';
import { PGN } from './spns';

const CONTROL = { RTS: 16, CTS: 17, END_OF_MESSAGE_ACK: 19, BAM: 32, ABORT: 255 } as const;
const PACKET_BYTES = 7;

interface Transfer {
  pgn: number;
  size: number;
  packets: Array<Uint8Array | undefined>;
  priority: number;
  destination: number;
}

/**
 * Reassembles J1939-21 transport-protocol messages (BAM broadcasts and RTS/CTS transfers, seen
 * passively) from the frames of one message, in order; every other frame passes through. A
 * transfer is keyed by its sender and receiver. A transfer the message holds only part of — cut
 * by the logger's batching, or a data packet without its announcement — is refused with
 * `incomplete_transfer`: its parameter group would be read wrong or not at all.
 */
export function reassemble(frames: readonly J1939Frame[]): J1939Frame[] {
  const out: J1939Frame[] = [];
  const open = new Map<string, Transfer>();
  const key = (f: J1939Frame) => `${f.source}>${f.destination}`;
  const describe = (f: J1939Frame) => `from source ${hexByte(f.source)}`;

  for (const frame of frames) {
    if (frame.pgn === PGN.TP_CM) {
      const control = frame.data[0];
      if (control === CONTROL.BAM || control === CONTROL.RTS) {
        if (frame.data.length !== 8) throw new DecodeError('bad_frame', `TP.CM ${describe(frame)} has ${frame.data.length} bytes, not 8`);
        const size = (frame.data[1] ?? 0) | ((frame.data[2] ?? 0) << 8);
        const count = frame.data[3] ?? 0;
        const pgn = (frame.data[5] ?? 0) | ((frame.data[6] ?? 0) << 8) | ((frame.data[7] ?? 0) << 16);
        if (size < 9 || count !== Math.ceil(size / PACKET_BYTES)) {
          throw new DecodeError('bad_frame', `TP.CM ${describe(frame)} announces ${size} bytes in ${count} packets`);
        }
        const pending = open.get(key(frame));
        if (pending) throw incomplete(pending.pgn, frame.source, 'a new transfer started before it ended');
        open.set(key(frame), { pgn, size, packets: new Array(count).fill(undefined), priority: frame.priority, destination: frame.destination });
      } else if (control === CONTROL.ABORT) {
        // The sender gave up: nothing of it was ever a message.
        const reverse = `${frame.destination}>${frame.source}`;
        open.delete(open.has(key(frame)) ? key(frame) : reverse);
      } else if (control !== CONTROL.CTS && control !== CONTROL.END_OF_MESSAGE_ACK) {
        throw new DecodeError('bad_frame', `TP.CM ${describe(frame)} has control byte ${control === undefined ? 'missing' : hexByte(control)}`);
      }
      continue;
    }
    if (frame.pgn === PGN.TP_DT) {
      const transfer = open.get(key(frame));
      const sequence = frame.data[0] ?? 0;
      if (!transfer) throw incomplete(undefined, frame.source, `data packet ${sequence} came without its TP.CM announcement`);
      if (frame.data.length !== 8 || sequence < 1 || sequence > transfer.packets.length) {
        throw new DecodeError('bad_frame', `TP.DT ${describe(frame)} is packet ${sequence} of ${transfer.packets.length} with ${frame.data.length} bytes`);
      }
      transfer.packets[sequence - 1] = frame.data.subarray(1);
      if (transfer.packets.every((p) => p !== undefined)) {
        open.delete(key(frame));
        const data = new Uint8Array(transfer.packets.length * PACKET_BYTES);
        transfer.packets.forEach((p, i) => data.set(p!, i * PACKET_BYTES));
        out.push({ priority: transfer.priority, pgn: transfer.pgn, source: frame.source, destination: transfer.destination, data: data.subarray(0, transfer.size) });
      }
      continue;
    }
    out.push(frame);
  }
  const [left] = open.entries();
  if (left) throw incomplete(left[1].pgn, Number(left[0].split('>')[0]), `${left[1].packets.filter((p) => p === undefined).length} of ${left[1].packets.length} packets are missing`);
  return out;
}

function incomplete(pgn: number | undefined, source: number, why: string): DecodeError {
  const what = pgn === undefined ? 'a transport-protocol transfer' : `the transfer of PGN ${pgn}`;
  return new DecodeError('incomplete_transfer', `${what} from source ${hexByte(source)}: ${why}`);
}

/** Splits a long message into a BAM announcement and its data packets (FF-padded), as an ECU sends it. */
export function broadcastFrames(message: J1939Frame): J1939Frame[] {
  const count = Math.ceil(message.data.length / PACKET_BYTES);
  const base = { priority: 7, source: message.source, destination: 0xff };
  const announce: J1939Frame = {
    ...base,
    pgn: PGN.TP_CM,
    data: Uint8Array.from([CONTROL.BAM, message.data.length & 0xff, message.data.length >> 8, count, 0xff, message.pgn & 0xff, (message.pgn >> 8) & 0xff, message.pgn >> 16]),
  };
  const packets = Array.from({ length: count }, (_, i): J1939Frame => {
    const chunk = new Uint8Array(8).fill(0xff);
    chunk[0] = i + 1;
    chunk.set(message.data.subarray(i * PACKET_BYTES, (i + 1) * PACKET_BYTES), 1);
    return { ...base, pgn: PGN.TP_DT, data: chunk };
  });
  return [announce, ...packets];
}
