import { describe, expect, it } from 'vitest';
import { DeadlineWheel } from './deadline-wheel';

describe('deadline wheel', () => {
  it('returns a twin once its deadline has passed, and only once', () => {
    const wheel = new DeadlineWheel();
    wheel.schedule('a', 10_500);
    wheel.schedule('b', 12_000);
    expect(wheel.takeDue(10_400)).toEqual([]);
    expect(wheel.takeDue(10_600)).toEqual(['a']);
    expect(wheel.takeDue(11_000)).toEqual([]);
    expect(wheel.takeDue(13_000)).toEqual(['b']);
    expect(wheel.size).toBe(0);
  });

  it('a rescheduled deadline (fresh reading) does not fire at the old time', () => {
    const wheel = new DeadlineWheel();
    wheel.schedule('a', 5_000);
    wheel.schedule('a', 9_000);
    expect(wheel.takeDue(6_000)).toEqual([]);
    expect(wheel.takeDue(9_000)).toEqual(['a']);
  });

  it('a cancelled deadline never fires', () => {
    const wheel = new DeadlineWheel();
    wheel.schedule('a', 5_000);
    wheel.schedule('a', null);
    expect(wheel.takeDue(60_000)).toEqual([]);
  });

  it('a deadline already in the past when scheduled fires on the next turn', () => {
    const wheel = new DeadlineWheel();
    wheel.takeDue(10_000);
    wheel.schedule('late', 4_000);
    expect(wheel.takeDue(11_000)).toEqual(['late']);
  });

  it('two deadlines in the same second fire at their own instants', () => {
    const wheel = new DeadlineWheel();
    wheel.schedule('a', 7_100);
    wheel.schedule('b', 7_900);
    expect(wheel.takeDue(7_500)).toEqual(['a']);
    expect(wheel.takeDue(7_950)).toEqual(['b']);
  });
});
