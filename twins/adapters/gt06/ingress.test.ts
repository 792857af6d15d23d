import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../ingress/decode';
import { ingressRecords } from '../testing/ingress-records';
import { bytes } from '../vectors/device-vectors';

// Real packets from the vector file: a login of IMEI 864717003283581 and a 0x12 position.
const LOGIN = bytes('78780d01086471700328358100093f040d0a');
const POSITION = bytes('78781f12110819110216d402f250340828924055d4c801944600d300c09501429c830d0a');
const at = 1_750_000_000_000;

describe('gt06 through the ingress decoder', () => {
  it.each([
    ['a login under the device id that is its IMEI is accepted as identification, not as a reading', '864717003283581'],
    ['a device id that is no IMEI cannot be checked: the login names its IMEI for the operator', 'tracker-1'],
  ])('%s', (_title, deviceId) => {
    const outcome = decodeMessage(`fleet/van-7/${deviceId}/gt06`, LOGIN, at);
    expect(outcome).toMatchObject({ ok: false, code: 'no_reading' });
    expect(outcome.ok ? '' : outcome.detail).toContain('IMEI 864717003283581');
  });

  it('a login under another IMEI is refused as identity_mismatch, not merged into that twin', () => {
    const outcome = decodeMessage('fleet/van-7/864717003283599/gt06', LOGIN, at);
    expect(outcome).toMatchObject({ ok: false, code: 'identity_mismatch' });
  });

  it('frames after the login are attributed by the topic', () => {
    const [record] = ingressRecords('fleet/van-7/864717003283581/gt06', POSITION, at);
    expect(record).toMatchObject({ vehicleId: 'van-7', deviceId: '864717003283581', deviceKind: 'gps' });
    expect(record!.position).toMatchObject({ speedKph: 85, headingDeg: 200, satellites: 4 });
    expect(record!.position?.lat).toBeCloseTo(27.4637, 4);
    expect(record!.deviceTime).toBe(Date.UTC(2017, 7, 25, 17, 2, 22));
  });

  it('a frame with a wrong CRC is refused with the reason the dead-letter subject names', () => {
    const broken = Uint8Array.from(POSITION);
    broken[10]! ^= 0x01;
    expect(decodeMessage('fleet/van-7/864717003283581/gt06', broken, at)).toMatchObject({ ok: false, code: 'bad_crc' });
  });
});
