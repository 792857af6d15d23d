import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where server binaries live besides PATH: Go's install directories (nats-server, temporal built
 * with `go install`), sbin directories that a regular user's PATH lacks (Debian's mosquitto and
 * nats-server), PostgreSQL's versioned directories (Debian, Homebrew) and Go's own.
 */
export function searchDirs(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  dirs.push(...goBinDirs(), '/usr/local/go/bin', '/usr/sbin', '/usr/local/sbin', '/sbin', '/opt/homebrew/bin', '/opt/homebrew/sbin');
  dirs.push(...versionedDirs('/usr/lib/postgresql', 'bin'));
  dirs.push(...versionedDirs('/opt/homebrew/opt', 'bin', /^postgresql(@\d+)?$/));
  dirs.push(...versionedDirs('/usr/local/opt', 'bin', /^postgresql(@\d+)?$/));
  return [...new Set(dirs)];
}

/** The first executable named `name` in `dirs` (default searchDirs()), or undefined. */
export function findBinary(name: string, dirs: string[] = searchDirs()): string | undefined {
  return findBinaries(name, dirs)[0];
}

/** Every executable named `name` in `dirs`, in their order (a machine may have a packaged and a `go install`ed one). */
export function findBinaries(name: string, dirs: string[] = searchDirs()): string[] {
  return dirs.map((dir) => join(dir, name)).filter(isExecutable);
}

/** $GOBIN, then $GOPATH/bin as `go env` reports them (the places `go install` writes to), then ~/go/bin. */
export function goBinDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.GOBIN) dirs.push(process.env.GOBIN);
  for (const path of (process.env.GOPATH ?? '').split(delimiter).filter(Boolean)) dirs.push(join(path, 'bin'));
  const go = findGo();
  if (go) {
    try {
      const [gobin, gopath] = execFileSync(go, ['env', 'GOBIN', 'GOPATH'], { encoding: 'utf8', timeout: 10_000 }).split('\n');
      if (gobin) dirs.push(gobin);
      if (gopath) dirs.push(...gopath.split(delimiter).filter(Boolean).map((p) => join(p, 'bin')));
    } catch {
      // A broken Go installation only means fewer places to look.
    }
  }
  dirs.push(join(homedir(), 'go', 'bin'));
  return dirs;
}

/** The go command: on PATH, or where the official installer puts it. */
export function findGo(): string | undefined {
  return [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'go')), '/usr/local/go/bin/go'].find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** <root>/<entry>/<sub> for every entry, newest major version first (compared as numbers: 15 before 9). */
function versionedDirs(root: string, sub: string, pattern?: RegExp): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const version = (name: string) => Number(/(\d+)/.exec(name)?.[1] ?? 0);
  return entries
    .filter((e) => !pattern || pattern.test(e))
    .sort((a, b) => version(b) - version(a))
    .map((e) => join(root, e, sub));
}
