import type { Dtc, Reading } from '../../telemetry/schema';
import { DecodeError } from '../adapter';
import { dtcServices, dtcsFromResponse, type DtcList } from './dtc';
import { hexByte, parseHex, toHex } from './hex';
import { physicalValue } from './linear';
import { vinSchema } from './message';
import {
  isSupportedPidBitmap,
  linearPidById,
  MONITOR_STATUS_BYTES,
  MONITOR_STATUS_PID,
  rawPidAttribute,
  SUPPORTED_PID_BITMAP_BYTES,
} from './pids';
import { ReadingBuilder } from './reading-target';

const CURRENT_DATA = 0x41;
const VEHICLE_INFO = 0x49;
const NEGATIVE_RESPONSE = 0x7f;
const VIN_PID = 0x02;
const VIN_LENGTH = 17;

const dtcListByService = new Map<number, DtcList>(Object.entries(dtcServices).map(([list, service]) => [service, list as DtcList]));

/** The attributes pending and permanent codes are listed under (comma-separated J2012 codes). */
export const dtcListAttributes = { pending: 'pendingDtcs', permanent: 'permanentDtcs' } as const;

/**
 * Decodes the ECU responses of one message into reading fields. Stored codes (service 03) become
 * `dtcs` — the twin's active codes; pending (07) and permanent (0A) codes are not confirmed
 * faults now, so they go to attributes. A PID without a formula here is kept as raw hex; a
 * message of nothing but such PIDs is refused with `unknown_pid`.
 */
export function decodeResponses(responses: readonly string[]): Pick<Reading, 'engine' | 'attributes' | 'dtcs'> {
  const values = new ReadingBuilder();
  const codes = new Map<DtcList, Set<string>>();
  const unknown: string[] = [];
  let decodedAny = false;

  responses.forEach((text, index) => {
    const bytes = parseHex(text);
    if (!bytes) throw new DecodeError('bad_hex', `response ${index} "${text.slice(0, 40)}" is not hex bytes`);
    const where = `response ${index}`;
    const service = bytes[0];
    if (service === undefined) throw new DecodeError('bad_response', `${where} is empty`);

    const list = dtcListByService.get(service);
    if (list) {
      const set = codes.get(list) ?? new Set<string>();
      for (const code of dtcsFromResponse(bytes.subarray(1), `${where} (service ${hexByte(service - 0x40)})`)) set.add(code);
      codes.set(list, set);
      decodedAny = true;
      return;
    }
    if (service === NEGATIVE_RESPONSE) {
      // The ECU refused a request (e.g. 7F 01 12: PID not supported); nothing to report.
      if (bytes.length !== 3) throw new DecodeError('bad_response', `${where}: a negative response is 7F, the service and a reason code`);
      return;
    }
    if (service !== CURRENT_DATA && service !== VEHICLE_INFO) {
      throw new DecodeError('unknown_service', `${where}: ${hexByte(service)} is not a response to service 01, 03, 07, 09 or 0A`);
    }
    const pid = bytes[1];
    if (pid === undefined) throw new DecodeError('bad_response', `${where}: service ${hexByte(service)} response without a PID`);
    const data = bytes.subarray(2);
    const label = `${where} (service ${hexByte(service - 0x40)} PID ${hexByte(pid)})`;
    const expectLength = (length: number): void => {
      if (data.length !== length) {
        throw new DecodeError('bad_response', `${label} carries ${data.length} data bytes, PID ${hexByte(pid)} has ${length}`);
      }
    };

    if (isSupportedPidBitmap(pid)) {
      expectLength(SUPPORTED_PID_BITMAP_BYTES);
      return;
    }
    if (service === VEHICLE_INFO && pid === VIN_PID) {
      values.attribute('vin', vinFrom(data, label));
      decodedAny = true;
      return;
    }
    if (service === CURRENT_DATA && pid === MONITOR_STATUS_PID) {
      expectLength(MONITOR_STATUS_BYTES);
      const a = data[0] ?? 0;
      values.attribute('milOn', (a & 0x80) !== 0);
      values.attribute('dtcCount', a & 0x7f);
      decodedAny = true;
      return;
    }
    const linear = service === CURRENT_DATA ? linearPidById.get(pid) : undefined;
    if (linear) {
      expectLength(linear.bytes);
      // Unsigned big-endian; multiplication keeps 4-byte values positive.
      const raw = data.reduce((acc, byte) => acc * 256 + byte, 0);
      values.set(linear.target, physicalValue(raw, linear));
      decodedAny = true;
      return;
    }
    values.attribute(rawPidAttribute(service - 0x40, pid), toHex(data, ''));
    unknown.push(`${hexByte(service - 0x40)} ${hexByte(pid)}`);
  });

  if (!decodedAny) {
    if (unknown.length > 0) {
      throw new DecodeError('unknown_pid', `no PID in the message is one the obd2 adapter decodes (service PID: ${unknown.slice(0, 8).join(', ')})`);
    }
    throw new DecodeError('no_readings', 'the responses hold only supported-PID bitmaps and negative responses');
  }

  const reading: Pick<Reading, 'engine' | 'attributes' | 'dtcs'> = values.build();
  const stored = codes.get('stored');
  if (stored) reading.dtcs = [...stored].map((code): Dtc => ({ system: 'obd2', code }));
  for (const list of ['pending', 'permanent'] as const) {
    const listed = codes.get(list);
    if (listed) reading.attributes = { ...reading.attributes, [dtcListAttributes[list]]: [...listed].join(',') };
  }
  return reading;
}

/** Service 09 PID 02 on CAN: a message count of 01, then the 17 VIN characters in ASCII. */
function vinFrom(data: Uint8Array, label: string): string {
  const vin = String.fromCharCode(...data.subarray(1));
  if (data[0] !== 1 || data.length !== 1 + VIN_LENGTH || !vinSchema.safeParse(vin).success) {
    throw new DecodeError('bad_response', `${label}: expected 01 and the 17 characters of a VIN`);
  }
  return vin;
}
