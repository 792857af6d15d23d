import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './errors';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The account to run a server as when we are root — PostgreSQL refuses to run as root, and a
 * broker has no business being root either. undefined when we are not root: then the server
 * simply runs as us.
 */
export function accountForServer(preferred: string[]): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of [...preferred, 'nobody']) {
    const account = lookup(name);
    if (account) return account;
  }
  throw new StackError(`running as root, and none of the accounts ${[...preferred, 'nobody'].join(', ')} exists to run the servers as; create one (useradd --system postgres) or run fleet as a regular user`);
}

/**
 * Gives `dir` (created by us, as root) to the account, and checks the account can reach it:
 * a data directory under a home only root may enter (/root/...) cannot work.
 */
export function handOver(dir: string, account: Account, server: string): void {
  chownSync(dir, account.uid, account.gid);
  for (const entry of readdirSync(dir, { recursive: true })) chownSync(join(dir, String(entry)), account.uid, account.gid);
  const probe = spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: account.uid, gid: account.gid });
  if (probe.status !== 0) {
    throw new StackError(
      `${server} must not run as root, so FleetTwin runs it as the "${account.name}" account, but "${account.name}" cannot reach ${dir} ` +
        `(a parent directory is closed to other users). Set FLEET_DATA_DIR to a directory every user can reach (e.g. /var/tmp/fleettwin), or run fleet as a regular user.`,
    );
  }
}

function lookup(name: string): Account | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
