import { describe, expect, it } from 'vitest';
import { fairShare, planLeases, type LeaseView } from './plan';

const now = 1_000_000;
function leases(owners: Record<number, string>, expiresAt = now + 5000): Map<number, LeaseView> {
  return new Map(Object.entries(owners).map(([p, hostId]) => [Number(p), { hostId, expiresAt }]));
}

describe('partition plan', () => {
  it('three hosts split 64 partitions 22/21/21', () => {
    expect(['a', 'b', 'c'].map((h) => fairShare(h, ['a', 'b', 'c'], 64))).toEqual([22, 21, 21]);
  });

  it('a lone host claims every partition', () => {
    const plan = planLeases({ me: 'a', partitions: 8, liveHosts: ['a'], leases: new Map(), now });
    expect(plan.claim.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a partition whose lease has not expired is never claimed, even if its host looks dead', () => {
    const held = leases({ 0: 'dead', 1: 'dead' });
    const plan = planLeases({ me: 'a', partitions: 2, liveHosts: ['a'], leases: held, now });
    expect(plan.claim).toEqual([]);
  });

  it('after lease expiry the survivor takes the partitions of the killed host', () => {
    const held = new Map([...leases({ 0: 'a', 1: 'a' }), ...leases({ 2: 'dead', 3: 'dead' }, now - 1)]);
    const plan = planLeases({ me: 'a', partitions: 4, liveHosts: ['a'], leases: held, now });
    expect(plan.claim.sort()).toEqual([2, 3]);
  });

  it('an expired lease is claimed at once even while its dead host still looks live (no wait for the shares)', () => {
    const held = new Map([...leases({ 0: 'a', 1: 'a' }), ...leases({ 2: 'dead', 3: 'dead' }, now - 1)]);
    const plan = planLeases({ me: 'a', partitions: 4, liveHosts: ['a', 'dead'], leases: held, now });
    expect(plan.target).toBe(2);
    expect(plan.claim.sort()).toEqual([2, 3]);
  });

  it('partitions never claimed are shared by fair share, not grabbed by the first host', () => {
    const plan = planLeases({ me: 'a', partitions: 8, liveHosts: ['a', 'b'], leases: new Map(), now });
    expect(plan.claim.length).toBe(4);
  });

  it('a host joining makes the others release down to their share', () => {
    const held = leases(Object.fromEntries(Array.from({ length: 8 }, (_, p) => [p, p < 4 ? 'a' : 'b'])));
    const plan = planLeases({ me: 'a', partitions: 8, liveHosts: ['a', 'b', 'c'], leases: held, now });
    expect(plan.target).toBe(3);
    expect(plan.release).toEqual([3]);
  });

  it('a host above its share releases only while another live host is short of its own', () => {
    const held = leases(Object.fromEntries(Array.from({ length: 8 }, (_, p) => [p, 'a'])));
    const plan = planLeases({ me: 'a', partitions: 8, liveHosts: ['a', 'b'], leases: held, now });
    // b owns nothing yet and is short, so a releases down to its share.
    expect(plan.release.length).toBe(4);
    const alone = planLeases({ me: 'a', partitions: 8, liveHosts: ['a'], leases: held, now });
    expect(alone.release).toEqual([]);
  });
});
