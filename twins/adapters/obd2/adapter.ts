import { jsonEnvelopeAdapter } from '../json-envelope';
import { decodeResponses } from './decode-responses';
import { obd2MessageSchema } from './message';

/**
 * OBD-II dongles (SAE J1979 over an ELM327-style reader): one JSON message per polling round
 * carrying the raw ECU responses (docs/device-format.md, "OBD-II"). With no GNSS fix there is no
 * `position`; the vehicle speed goes to `attributes.obdSpeedKph`, which the vehicle twin takes
 * as its speed when a reading has no position speed.
 */
export const obd2Adapter = jsonEnvelopeAdapter({
  format: 'obd2',
  defaultKind: 'obd',
  description: 'OBD-II dongle: raw SAE J1979 ECU responses (service 01 PIDs, 03/07/0A trouble codes, 09 VIN) as hex in JSON',
  schema: obd2MessageSchema,
  read(message) {
    const reading = decodeResponses(message.responses);
    if (message.vin !== undefined) reading.attributes = { ...reading.attributes, vin: message.vin };
    return reading;
  },
});
