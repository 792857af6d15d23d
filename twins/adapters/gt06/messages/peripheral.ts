import { DecodeError } from '../../adapter';
import type { ByteReader } from '../../binary/byte-reader';
import type { Gt06Report } from '../report';

/** 0xF2 peripheral report (VL842, extended): a time, then status items of the attached devices. */
export function decodePeripheral(r: ByteReader, report: Gt06Report): void {
  const seconds = r.u32('time');
  // 0: the device has no time yet; the record then takes the receive time.
  if (seconds > 0) report.time = seconds * 1000;
  while (r.remaining > 0) {
    const id = r.u16('status id');
    if (id === 0x000a) {
      const length = r.u16('status length');
      if (length < 10) throw new DecodeError('bad_length', `Bluetooth status length ${length} is shorter than its 10 fixed bytes`);
      r.u8('MAC address type');
      report.set('mac', r.hex(6, 'MAC address'));
      const event = r.u8('event');
      const eventData = r.u8('event data');
      report.set('event', event).set('eventData', event > 0 ? eventData : undefined);
      report.set('dataType', r.u8('data type'));
      report.set('dataDetails', r.hex(length - 10, 'data details'));
    } else if (id === 0x000c) {
      r.u8('status length');
      report.set('externalBatteryLevel', r.u8('external battery level'));
      if (r.u8('external battery charging') > 0) report.set('externalBatteryCharge', true);
      report.set('externalBatteryCycles', r.u16('external battery cycles'));
      r.skip(6, 'external battery reserved');
    } else {
      const length = r.u8('status length');
      r.skip(length === 0 ? r.u8('status long length') : length, 'status item');
    }
  }
}
