import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (100 on nearly every Linux). */
const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds a process has used so far (user + system); null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** Resident memory of a process, bytes; null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ProcessFigures {
  name: string;
  pid: number;
  /** Share of one core over the measured window, %. */
  cpuPct: number;
  /** Largest resident memory seen, MB. */
  peakRssMb: number;
}

/** Samples CPU and RSS of named processes: a window's CPU share, and the peak RSS all along. */
export class ProcessSampler {
  private readonly peak = new Map<number, number>();
  /** Every process seen, so that one gone by the end (the simulator's workers) is still reported. */
  private readonly seen = new Map<number, string>();
  private windowStart = new Map<number, { cpu: number; at: number }>();
  private windowEnd = new Map<number, { cpu: number; at: number }>();

  constructor(private readonly processes: () => Array<{ name: string; pid: number }>) {}

  /** Call every few seconds: keeps the peak RSS. */
  sample(): void {
    for (const { pid } of this.current()) {
      const rss = rssBytes(pid);
      if (rss !== null && rss > (this.peak.get(pid) ?? 0)) this.peak.set(pid, rss);
    }
  }

  markWindowStart(): void {
    this.windowStart = this.cpuNow();
  }

  markWindowEnd(): void {
    this.windowEnd = this.cpuNow();
  }

  figures(): ProcessFigures[] {
    return [...this.seen].map(([pid, name]) => {
      const a = this.windowStart.get(pid);
      const b = this.windowEnd.get(pid);
      const cpuPct = a && b && b.at > a.at ? (100 * (b.cpu - a.cpu)) / ((b.at - a.at) / 1000) : 0;
      return { name, pid, cpuPct: Math.round(cpuPct), peakRssMb: Math.round((this.peak.get(pid) ?? 0) / 2 ** 20) };
    });
  }

  private current(): Array<{ name: string; pid: number }> {
    const list = this.processes();
    for (const { name, pid } of list) this.seen.set(pid, name);
    return list;
  }

  private cpuNow(): Map<number, { cpu: number; at: number }> {
    const out = new Map<number, { cpu: number; at: number }>();
    for (const { pid } of this.current()) {
      const cpu = cpuSeconds(pid);
      if (cpu !== null) out.set(pid, { cpu, at: performance.now() });
    }
    return out;
  }
}

/** A process's soft limit on open files (Infinity when unlimited); null where /proc cannot tell. */
export function openFileLimit(pid: number): number | null {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    if (!m) return null;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}
