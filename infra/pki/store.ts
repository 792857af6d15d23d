import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IssuedCertificate } from './certificates';

/** The dev PKI's files under the data dir; private keys are readable by their owner only. */
export interface PkiPaths {
  dir: string;
  rootCertificate: string;
  rootKey: string;
  signingCertificate: string;
  signingKey: string;
}

export function pkiPaths(dataDir: string): PkiPaths {
  const dir = resolve(dataDir, 'pki');
  return {
    dir,
    rootCertificate: join(dir, 'fleet-root.crt.pem'),
    rootKey: join(dir, 'fleet-root.key.pem'),
    signingCertificate: join(dir, 'fleet-signing.crt.pem'),
    signingKey: join(dir, 'fleet-signing.key.pem'),
  };
}

export class PkiMissingError extends Error {
  override name = 'PkiMissingError';
}

const KEY_MODE = 0o600;

export async function writeIssued(certificatePath: string, keyPath: string, issued: IssuedCertificate): Promise<void> {
  await mkdir(resolve(certificatePath, '..'), { recursive: true, mode: 0o700 });
  // The mode of writeFile applies only to a new file: chmod makes an existing one private too.
  await writeFile(keyPath, issued.privateKeyPem, { mode: KEY_MODE });
  await chmod(keyPath, KEY_MODE);
  await writeFile(certificatePath, issued.certificatePem, { mode: 0o644 });
}

export async function readIssued(certificatePath: string, keyPath: string, what: string): Promise<IssuedCertificate> {
  try {
    const [certificatePem, privateKeyPem] = await Promise.all([readFile(certificatePath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { certificatePem, privateKeyPem };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new PkiMissingError(`no ${what} in ${resolve(certificatePath, '..')}: run \`fleet pki init\` first`);
  }
}

/** The fleet root certificate (the trust anchor devices carry). */
export async function readRootCertificate(paths: PkiPaths): Promise<string> {
  try {
    return await readFile(paths.rootCertificate, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new PkiMissingError(`no fleet root certificate at ${paths.rootCertificate}: run \`fleet pki init\` first`);
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Permission bits of a file, e.g. 0o600, or null when it is missing. */
export async function modeOf(path: string): Promise<number | null> {
  return stat(path).then((s) => s.mode & 0o777, () => null);
}
