/**
 * The reflected (LSB-first) CRC-16 family, table-free. Vendors pick a polynomial, an initial
 * value and a final xor; each named function below is one published parameter set.
 */
function reflectedCrc16(bytes: Uint8Array, poly: number, init: number, xorOut: number): number {
  let crc = init;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return (crc ^ xorOut) & 0xffff;
}

/**
 * CRC-16/IBM (also called CRC-16/ARC): reflected polynomial 0xA001, initial value 0, no final
 * xor. Teltonika closes every TCP frame with it, computed over codec id … second record count.
 */
export function crc16Ibm(bytes: Uint8Array): number {
  return reflectedCrc16(bytes, 0xa001, 0, 0);
}

/**
 * CRC-16/X-25 (what the GT06 manuals call CRC-ITU): reflected polynomial 0x8408, initial value
 * 0xFFFF, result inverted. Check value: "123456789" gives 0x906E.
 */
export function crc16X25(bytes: Uint8Array): number {
  return reflectedCrc16(bytes, 0x8408, 0xffff, 0xffff);
}
