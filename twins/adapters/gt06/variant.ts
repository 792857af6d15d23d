import type { Gt06Frame } from './frame';

/**
 * Device variants that reuse a basic (0x7878) protocol number with a different layout. GT06
 * frames do not name the device, so Traccar tells them apart by protocol number and length
 * byte; these are its rules.
 */
export type Variant =
  | 'standard'
  | 'vxt01'
  | 'wanwayS20'
  | 'sr411Mini'
  | 'gt06eCard'
  | 'benway'
  | 's5'
  | 'space10x'
  | 'obd6'
  | 'wetrust'
  | 'jc400'
  | 'sl4x'
  | 'seeworld'
  | 'rfid'
  | 'lw4g'
  | 'gl21l';

const rules: Array<[protocol: number, matches: (length: number, body: Uint8Array) => boolean, Variant]> = [
  [0x12, (l) => l === 0x24, 'vxt01'],
  [0x16, (l) => l === 0x24, 'vxt01'],
  [0x24, (l) => l === 0x31, 'wanwayS20'],
  [0x24, (l) => l === 0x2e, 'sr411Mini'],
  [0x12, (l) => l >= 0x71, 'gt06eCard'],
  [0x12, (l) => l === 0x21, 'benway'],
  [0x12, (l) => l === 0x2b, 's5'],
  [0x19, (l) => l >= 0x17, 'space10x'],
  [0x13, (l) => l === 0x13, 'obd6'],
  [0x12, (l) => l === 0x29, 'wetrust'],
  [0x95, (_, body) => body[0] === 0xff && body[1] === 0xff, 'jc400'],
  [0x34, (l) => l === 0x37, 'sl4x'],
  [0x31, (l) => l === 0x2a, 'sl4x'],
  [0x32, (l) => l === 0x27 || l === 0x29, 'sl4x'],
  [0x22, (l) => l === 0x2f, 'seeworld'],
  [0x16, (l) => l === 0x26, 'seeworld'],
  [0xa3, (l) => l === 0x0c, 'seeworld'],
  [0x17, (l) => l === 0x28, 'rfid'],
  [0xa2, (l) => l === 0x40, 'lw4g'],
  [0xa3, (l) => l === 0x18, 'gl21l'],
];

export function variantOf(frame: Gt06Frame): Variant {
  if (frame.extended) return 'standard';
  for (const [protocol, matches, variant] of rules) {
    if (protocol === frame.protocol && matches(frame.length, frame.body)) return variant;
  }
  return 'standard';
}
