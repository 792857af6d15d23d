import type { SeedProgress, SeedResult } from '../engine/seed-run';
import type { Scenario } from '../scenario/schema';

/** One unit of work: a seed of a scenario. */
export interface SeedTask {
  id: number;
  scenario: Scenario;
  seed: string;
}

export type ToChild = { type: 'run'; task: SeedTask } | { type: 'exit' };
export type FromChild =
  | { type: 'progress'; id: number; progress: SeedProgress }
  | { type: 'result'; id: number; result: SeedResult }
  | { type: 'error'; id: number; message: string };
