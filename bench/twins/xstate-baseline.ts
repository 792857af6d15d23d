/**
 * Child process of bench:twins: the same-run yardstick. A 4-state XState machine with one
 * counter, 2,000 actors, events per CPU-second — what XState itself costs on this machine now.
 */
import { assign, createActor, setup } from 'xstate';

const ring = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'next' } },
  actions: { count: assign({ n: ({ context }) => context.n + 1 }) },
}).createMachine({
  context: { n: 0 },
  initial: 'a',
  states: {
    a: { on: { next: { target: 'b', actions: 'count' } } },
    b: { on: { next: { target: 'c', actions: 'count' } } },
    c: { on: { next: { target: 'd', actions: 'count' } } },
    d: { on: { next: { target: 'a', actions: 'count' } } },
  },
});
const actors = Array.from({ length: 2000 }, () => createActor(ring).start());
const events = 400_000;
for (let i = 0; i < 100_000; i++) actors[i % actors.length]!.send({ type: 'next' });
const cpu = process.cpuUsage();
for (let i = 0; i < events; i++) actors[i % actors.length]!.send({ type: 'next' });
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ perCpuSecond: events / ((used.user + used.system) / 1e6) })}\n`);
