import { describe, expect, it } from 'vitest';
import { type DeadLetterCase, expectDeadLettered, pipelineForFile } from '../../e2e/harness';
import { gt06Frame, loginContent, positionContent } from './test-support';

const { harness, run } = pipelineForFile('gt06');
/** A 15-digit IMEI of this run, so reruns never meet an earlier run's twin. */
const imei = `86${String(parseInt(run, 16)).padStart(13, '0')}`;

describe('a GT06 tracker over MQTT, on the real servers', () => {
  it('after the login, positions (a stored one first) reach the twin, attributed by the topic; a resend is applied once', async () => {
    const v = `G${run}`;
    const topic = `fleet/${v}/${imei}/gt06`;
    const start = Math.floor(Date.now() / 1000) * 1000 - 20_000;
    const fixes = [0, 10_000, 20_000].map((dt, i) => ({ time: start + dt, lat: 43.7384 + i * 0.001, lon: 7.4246, speedKph: 36, courseDeg: 0 }));

    await harness.send(topic, gt06Frame(0x01, loginContent(imei), { serial: 1 }));
    // One at a time: the ingress's connections share the subscription, so two frames in flight at
    // once may reach JetStream swapped (the second then counts as late, rightly).
    for (const [i, fix] of fixes.entries()) {
      await harness.send(topic, gt06Frame(0x12, positionContent(fix), { serial: i + 2 }));
      await harness.twinWhen(v, (t) => t.context.position?.at === fix.time, 3000);
    }
    await harness.send(topic, gt06Frame(0x12, positionContent(fixes[2]!), { serial: 9 }));

    const twin = await harness.twinWhen(v, (t) => t.context.position?.at === fixes[2]!.time, 3000);
    expect(twin.context.position).toMatchObject({ speedKph: 36, headingDeg: 0 });
    expect(twin.context.position.lat).toBeCloseTo(43.7404, 4);
    expect(twin.devices).toHaveLength(1);
    expect(twin.devices[0]).toMatchObject({ deviceId: imei });
    // The login is no reading, so stored positions sent after it are in order, not late.
    await new Promise((r) => setTimeout(r, 300));
    const settled = await harness.twin(v);
    expect(settled.context.readings).toEqual({ inOrder: fixes.length, late: 0 });
    expect(settled.state).toMatchObject({ connectivity: 'online' });
  });

  it('a frame with a wrong CRC and a login under another IMEI go to the dead-letter stream with reasons and raw bytes', async () => {
    const v = `G${run}BAD`;
    const good = gt06Frame(0x12, positionContent({ time: Date.now(), lat: 43.7, lon: 7.4, speedKph: 0, courseDeg: 0 }));
    const badCrc = Uint8Array.from(good);
    badCrc[badCrc.length - 3]! ^= 0xff;
    const bad: DeadLetterCase[] = [
      [`fleet/${v}/${imei}/gt06`, badCrc, 'bad_crc'],
      [`fleet/${v}/${imei}/gt06`, good.subarray(0, 20), 'truncated'],
      [`fleet/${v}/${imei}/gt06`, gt06Frame(0x01, loginContent('353419036066061')), 'identity_mismatch'],
    ];
    await expectDeadLettered(harness, bad);
    expect(await harness.twin(v)).toBeUndefined();
  });
});
