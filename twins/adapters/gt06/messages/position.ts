import { statusAlarm } from '../alarms';
import type { ByteReader } from '../../binary/byte-reader';
import { readDateTime, readGps, readLbs, readTerminalInfo, type LbsLayout } from '../fields';
import type { Gt06Report } from '../report';
import type { MessageContext } from './context';

/*
 * The main GT06 family: GPS, LBS (serving cell) and status blocks in one message, which ones
 * depending on the protocol number, then per-type and per-variant extras (Traccar's
 * hasGps/hasLbs/hasStatus scheme).
 */

const GPS = new Set([0x10, 0x11, 0x12, 0x16, 0x17, 0x1a, 0x1e, 0x22, 0x26, 0x27, 0x2d, 0x31, 0x32, 0x37, 0xa0, 0xa2, 0xa4]);
const LBS = new Set([0x11, 0x12, 0x16, 0x17, 0x19, 0x22, 0x26, 0x27, 0x2d, 0x31, 0x32, 0x37, 0xa0, 0xa2, 0xa4, 0xa5, 0xa7]);
const STATUS = new Set([0x13, 0x16, 0x19, 0x26, 0x27, 0x32, 0x36, 0xa2, 0xa4, 0xa5]);
/** 0xA3 is a single-fence alarm (GPS + LBS) except on SEEWORLD devices, where it is a status. */
const FENCE_OR_STATUS = 0xa3;
/** MCC, a 1-byte MNC, LAC and a 3-byte cell id: the smallest cell block. */
const MIN_LBS_BYTES = 8;

const hasGps = (type: number, ctx: MessageContext) =>
  GPS.has(type) || (type === FENCE_OR_STATUS && ctx.variant !== 'seeworld');
const hasLbs = (type: number, ctx: MessageContext) =>
  LBS.has(type) || (type === FENCE_OR_STATUS && ctx.variant !== 'seeworld');
const hasStatus = (type: number, ctx: MessageContext) =>
  STATUS.has(type) || (type === 0x22 && ctx.model.nt) || (type === FENCE_OR_STATUS && ctx.variant === 'seeworld');

export function isPositionFamily(type: number, ctx: MessageContext): boolean {
  return hasGps(type, ctx) || hasLbs(type, ctx) || hasStatus(type, ctx);
}

function lbsLayout(type: number, ctx: MessageContext): Omit<LbsLayout, 'hasLength'> {
  const lte = type === 0xa0 || type === 0xa2 || type === 0xa5;
  return {
    mnc16: type === 0x11 || ctx.variant === 'sl4x',
    lacBytes: lte ? 4 : 2,
    cidBytes: lte || ctx.variant === 'sl4x' ? 8 : type === 0x11 || ctx.variant === 'seeworld' ? 4 : 3,
  };
}

function readStatusBlock(r: ByteReader, report: Gt06Report, ctx: MessageContext, type: number): void {
  const { model, variant } = ctx;
  const nt22 = model.nt && type === 0x22;
  if (type === 0xa2) r.u8('network indicator');
  readTerminalInfo(r, report, variant === 'vxt01');

  if (variant === 'obd6') {
    const signal = r.u16('signal');
    report.set('sat', ((signal >> 10) & 0x1f) + ((signal >> 5) & 0x1f)).set('rssi', signal & 0x1f);
    report.alarm(statusAlarm(r.u8('alarm'), model));
    r.u8('language');
    report.set('batteryLevel', r.u8('battery level'));
    const mode = r.u8('working mode');
    // The OBD6's working voltage is its own supply (3-4 V), not the vehicle's.
    report.set('power', r.u16('working voltage') / 100);
    r.u8('reserved');
    r.u16('working time');
    if (mode === 4) report.probeTemp(r.i16('temperature') / 10);
    return;
  }

  if (type === 0xa2 || nt22) report.vehiclePower(r.u16('external voltage') / 100);
  if (type === 0x13 && model.name === 'R11') {
    report.vehiclePower(r.u16('external voltage') / 100);
  } else {
    const battery = r.u8('battery');
    if (nt22) report.set('battery', battery / 10);
    else if (battery <= 6) report.set('batteryLevel', Math.floor((battery * 100) / 6));
    else if (battery <= 100) report.set('batteryLevel', battery);
  }
  report.set('rssi', r.u8('GSM signal'));

  if (type === 0x13 && model.lw) {
    report.vehiclePower((r.u16('external voltage') & 0xfff) / 10);
    return;
  }
  let extension = r.u8('alarm');
  // Multi-fence alarms carry a 12-bit alarm code: the language byte's high nibble extends it.
  if (type === 0x27 || type === 0xa4) extension += (r.peek('language') >> 4) << 8;
  if (type === 0x13 && model.seeworld) {
    report.vehiclePower(extension);
  } else if (variant !== 'vxt01') {
    report.alarm(statusAlarm(extension, model));
    // Inferred from Jimi VL103 samples: an alarm byte with no alarm meaning is an event code.
    if (model.vl) report.set('event', extension);
  }
}

function readGt06Extras(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  const { variant, model } = ctx;
  if (variant === 'gt06eCard') {
    report.set('odometer', r.u32('odometer'));
    report.set('card', r.latin1(r.u8('card length'), 'card').trim());
    r.u8('alarm');
    r.u8('swiped');
  } else if (variant === 'benway') {
    const mask = r.u16('io mask');
    report.set('ignition', (mask & 0x8000) !== 0).set('in2', (mask & 0x4000) !== 0);
    if (mask & 0x1000) {
      const magnitude = mask & 0x1ff;
      report.probeTemp(mask & 0x200 ? -magnitude : magnitude);
    } else {
      const value = mask & 0x3ff;
      report.set('adc1', mask & 0x2000 ? value : value / 10);
    }
  } else if (variant === 'vxt01') {
    readTerminalInfo(r, report, true);
    report.vehiclePower(r.u16('external voltage') / 100);
    report.set('rssi', r.u8('GSM signal'));
    r.u8('alarm extension');
  } else if (variant === 's5') {
    readTerminalInfo(r, report, false);
    report.vehiclePower(r.u16('external voltage') / 100);
    report.set('rssi', r.u8('GSM signal'));
    report.alarm(statusAlarm(r.u8('alarm'), model));
    report.set('oil', r.u16('oil'));
    const t = r.u8('temperature');
    report.probeTemp(t & 0x80 ? -(t & 0x7f) : t);
    report.set('odometer', r.u32('odometer') * 10);
  } else if (variant === 'wetrust') {
    report.set('odometer', r.u32('odometer'));
    report.set('card', r.latin1(r.u8('card length'), 'card'));
    if (r.u8('alarm') > 0) report.alarm('general');
    report.set('cardStatus', r.u8('card status'));
    report.set('drivingTime', r.u16('driving time'));
  }
}

/** Jimi VL103 0x36 (inferred from samples, no Traccar source): a 0x22-style fix plus battery and driver card. */
function readVlDriverPosition(r: ByteReader, report: Gt06Report): void {
  readGps(r, report);
  readLbs(r, { hasLength: false, cidBytes: 4 });
  report.set('ignition', r.u8('ACC') > 0);
  report.set('event', r.u8('upload mode'));
  if (r.u8('re-upload') > 0) report.set('archive', true);
  report.set('odometer', r.u32('mileage'));
  r.skip(2, 'unidentified status bytes');
  report.set('battery', r.u8('battery') / 10);
  r.skip(3, 'unidentified status bytes');
  readDriverCard(r, report);
}

function readDriverCard(r: ByteReader, report: Gt06Report): void {
  const id = r.hex(8, 'driver card');
  if (/[^0]/.test(id)) report.set('driverUniqueId', id);
}

export function decodePositionFamily(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  const type = ctx.frame.protocol;
  const { variant, model } = ctx;
  if (type === 0x36 && model.vl) return readVlDriverPosition(r, report);
  const nt22 = model.nt && type === 0x22;

  if (type === 0x12 && model.name === 'QH302R') r.skip(8, 'IMEI');
  if (nt22) {
    r.u8('location source');
    r.skip(8, 'IMEI');
    readDateTime(r);
  }
  if (hasGps(type, ctx)) readGps(r, report);
  // Some firmware leaves the cell block out when it has no cell; a block is at least 8 bytes.
  if (hasLbs(type, ctx) && r.remaining >= MIN_LBS_BYTES) {
    const hasLength =
      hasStatus(type, ctx) && type !== 0x19 && type !== 0xa5 && type !== 0xa2 && !(type === 0x16 && variant === 'vxt01');
    readLbs(r, { hasLength, ...lbsLayout(type, ctx) });
  }
  if (hasStatus(type, ctx)) readStatusBlock(r, report, ctx, type);
  if (type === 0x36 || type === 0xa2 || type === 0x27 || type === 0xa4 || nt22) r.u8('language');
  // Inferred from Jimi VL103 samples: a driver card after the language byte.
  if (type === 0x16 && model.vl && r.remaining === 9) {
    r.u8('language');
    readDriverCard(r, report);
  }

  if (type === 0x36) {
    while (r.remaining > 0) {
      const module = r.u16('module type');
      const length = r.u8('module length');
      if (module === 0x0018) report.set('battery', r.u16('battery') / 100);
      else if (module === 0x0032) report.set('startupStatus', r.u8('startup status'));
      else if (module === 0x006a) report.set('batteryLevel', r.u8('battery level'));
      else r.skip(length, 'module');
    }
  }
  if (type === 0xa2) {
    report.set('odometer', r.u32('odometer'));
    report.set('hours', r.u32('hours') * 1000);
    r.skip(8, 'terminal id');
    report.set('input', r.u16('input'));
  }
  if (type === 0x12) readGt06Extras(r, report, ctx);
  if (type === 0x22 && variant === 'seeworld') {
    report.set('ignition', r.u8('ACC') > 0);
    r.u8('reporting mode');
    r.u8('supplementary transmission');
    report.set('odometer', r.u32('odometer'));
    r.u32('travel time');
    const t = r.u16('temperature');
    report.probeTemp((t & 0x8000 ? -(t & 0x7fff) : t) / 100);
    report.set('humidity', r.u16('humidity') / 100);
  }
  if (type === 0x32 && variant === 'sl4x') report.fixAltitude(r.i16('altitude'));
  if ((type === 0x22 || type === 0x37 || type === 0x2d || type === 0x31) && r.remaining >= 3 && !model.nt) {
    report.set('ignition', r.u8('ACC') > 0);
    report.set('event', r.u8('upload reason'));
    if (r.u8('re-upload') > 0) report.set('archive', true);
    if (variant === 'sl4x') {
      if (r.remaining > 2) report.set('odometer', r.u32('odometer'));
      report.fixAltitude(r.i16('altitude'));
    }
  }
  if (type === 0x37) {
    const module = r.u16('module');
    const length = r.u8('module length');
    if (module === 0x0027) report.vehiclePower(r.u16('external voltage') / 100);
    else if (module === 0x002e) report.set('odometer', r.u32('odometer'));
    else if (module === 0x003b) r.u16('accuracy');
    else r.skip(length, 'module');
  }
  if (type === 0x17) {
    report.set('driverUniqueId', r.hex(8, 'RFID card'));
    r.u8('validity');
  }
  if (nt22) {
    report.set('odometer', r.u24('odometer'));
    report.set('hours', r.u24('hours') * 60_000);
  }
  // Traccar recognises a trailing ACC / upload mode / re-upload block by the bytes left; ACC and
  // re-upload are flags, so bytes that are not 0 or 1 there are something else and stay unread.
  if ((r.remaining === 3 || r.remaining === 7) && r.peek('ACC') <= 1 && r.peek('re-upload', 2) <= 1) {
    report.set('ignition', r.u8('ACC') > 0);
    r.u8('upload mode');
    if (r.u8('re-upload') > 0) report.set('archive', true);
  }
  if (r.remaining === 4) report.set('odometer', r.u32('odometer'));
  // Some multi-fence firmware sends no geofence number.
  if ((type === 0x27 || type === 0xa4) && r.remaining > 0) report.set('geofence', r.u8('geofence'));
}
