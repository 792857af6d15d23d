/** MQTT's largest Remaining Length (four bytes of variable-length integer). */
const MAX_REMAINING = 268_435_455;

/**
 * An MQTT 3.1.1 QoS 1 PUBLISH (not retained) in one buffer. mqtt-packet's `generate` builds the
 * header, topic and payload as buffers of their own and joins them, ~6 % of a simulator process at
 * load; a device's topic never changes, so its bytes are made once (`topic`).
 */
export function qos1Publish(topic: Buffer, payload: Uint8Array, messageId: number, dup: boolean): Buffer {
  const remaining = 2 + topic.length + 2 + payload.length;
  if (remaining > MAX_REMAINING) throw new RangeError(`an MQTT packet holds at most ${MAX_REMAINING} bytes after its header`);
  let lengthBytes = 1;
  for (let n = remaining; n >= 128; n = Math.floor(n / 128)) lengthBytes++;
  const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  packet[0] = dup ? 0x3a : 0x32; // PUBLISH, QoS 1, DUP when a resend
  let at = 1;
  for (let n = remaining; ; ) {
    const low = n % 128;
    n = Math.floor(n / 128);
    packet[at++] = n > 0 ? low | 0x80 : low;
    if (n === 0) break;
  }
  at = packet.writeUInt16BE(topic.length, at);
  at += topic.copy(packet, at);
  at = packet.writeUInt16BE(messageId, at);
  packet.set(payload, at);
  return packet;
}
