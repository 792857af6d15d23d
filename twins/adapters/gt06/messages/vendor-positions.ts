import type { ByteReader } from '../../binary/byte-reader';
import { readGps, readLbs } from '../fields';
import type { Gt06Report } from '../report';

/** 0x34 X1 (basic, not SL4X): GPS, odometer, cell, driver id, supply, backup battery, inputs, outputs, ADCs. */
export function decodeX1(r: ByteReader, report: Gt06Report): void {
  r.u32('data and alarm');
  readGps(r, report);
  r.u16('terminal information');
  report.set('odometer', r.u32('odometer'));
  readLbs(r, { hasLength: false, cidBytes: 4 });
  const driver = r.u32('driver id');
  if (driver > 0) report.set('driverUniqueId', String(driver));
  // Traccar names these battery then power, but every sample carries 12-14 V in the first and
  // a Li-ion cell's 3.9-4.2 V in the second: the first is the vehicle's supply.
  report.vehiclePower(r.u16('supply voltage') / 100);
  report.set('battery', r.u16('backup battery voltage') / 100);
  const ports = r.u32('port information');
  report.set('input', r.u8('inputs')).set('output', r.u8('outputs'));
  const adcs = (ports >>> 20) & 0xf;
  for (let i = 1; i <= adcs; i++) report.set(`adc${i}`, r.u16('ADC') / 100);
}

/** 0x61 iButton: IMEI, GPS, serving cell, then the 6-byte iButton key as a decimal number. */
export function decodeIButton(r: ByteReader, report: Gt06Report): void {
  r.skip(8, 'IMEI');
  readGps(r, report);
  readLbs(r, { hasLength: false, cidBytes: 4 });
  const high = r.u32('iButton key');
  const low = r.u16('iButton key');
  report.set('driverUniqueId', String(high * 0x10000 + low));
}

/** 0x24 of the SR411 mini: GPS, serving cell, ACC, supply and battery voltages. */
export function decodeSr411Mini(r: ByteReader, report: Gt06Report): void {
  readGps(r, report);
  readLbs(r, { hasLength: false });
  report.set('ignition', r.u8('ACC') > 0);
  report.vehiclePower(r.u16('supply voltage') / 100);
  report.set('battery', r.u16('battery voltage') / 100);
}

/** 0x38 (extended): GPS, upload mode, re-upload flag, typed serving cell. */
export function decodeGpsLbs8(r: ByteReader, report: Gt06Report): void {
  readGps(r, report);
  r.u8('upload mode');
  r.u8('re-upload');
  readLbs(r, { hasLength: false, hasCellType: true });
}
