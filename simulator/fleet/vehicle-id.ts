/** `V00001`, `V00002`, ...: the vehicle ids the whole platform sees. */
export function vehicleId(number: number): string {
  return `V${String(number).padStart(5, '0')}`;
}
