import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { findBinary, findGo, goBinDirs } from './binaries';
import { StackError } from './errors';

export interface GoInstallRequest {
  /** Who it is for the person watching: "the Temporal CLI". */
  label: string;
  /** The package to install, e.g. github.com/temporalio/cli/cmd/temporal. */
  pkg: string;
  version: string;
  /** The oldest Go that builds it, as its go.mod says ("1.25"). */
  minGo: string;
  /** The binary's file name, to find it once built. */
  binary: string;
  /** Shown when there is no Go to build with: what to install instead. */
  withoutGo: string;
}

/**
 * Builds a server with `go install`, showing one live progress line — elapsed time, packages
 * built, and what go is doing now (downloading a module, compiling a package). Without a
 * terminal (CI) the same line is printed every 15 s instead.
 */
export async function goInstall(request: GoInstallRequest): Promise<string> {
  const go = findGo();
  const needGo = `install Go ${request.minGo} or newer from https://go.dev/dl so FleetTwin can build it`;
  if (!go) throw new StackError(`${request.withoutGo}, or ${needGo}`);
  const have = goVersion(go);
  if (have && !canBuild(have, request.minGo)) {
    throw new StackError(`${request.withoutGo}, or ${needGo} (${go} is Go ${have.version}${have.autoToolchain ? '' : ' with GOTOOLCHAIN=local'})`);
  }
  const target = `${request.pkg}@${request.version}`;
  process.stderr.write(`building ${request.label} with \`go install ${target}\` (several minutes the first time)\n`);
  const bar = new SingleBar({
    format: `  ${request.label}: {duration_formatted} elapsed, {value} packages built · {activity}`,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 15_000,
    hideCursor: true,
  });
  bar.start(0, 0, { activity: 'resolving modules' });
  const recent: string[] = [];
  let built = 0;
  const child = spawn(go, ['install', '-v', target], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopWithUs = () => child.kill();
  process.on('exit', stopWithUs);
  // -v names each package as it is compiled; module downloads are announced as "go: downloading".
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const download = /^go: downloading (\S+) (\S+)/.exec(line);
      if (download) bar.update(built, { activity: `downloading ${download[1]} ${download[2]}` });
      else if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) bar.update(++built, { activity: `compiling ${line}` });
    });
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', () => resolve(null));
  });
  process.off('exit', stopWithUs);
  bar.stop();
  if (code !== 0) {
    throw new StackError(`\`go install ${target}\` failed (exit ${code}):\n    ${recent.join('\n    ')}\n  ${request.withoutGo}`);
  }
  // Where go just wrote it, not an older copy elsewhere on PATH.
  const path = findBinary(request.binary, goBinDirs());
  if (!path) throw new StackError(`\`go install ${target}\` succeeded but ${request.binary} is not in $GOBIN or $(go env GOPATH)/bin`);
  process.stderr.write(`built ${request.label}: ${path}\n`);
  return path;
}

interface GoVersion {
  version: string;
  /** GOTOOLCHAIN lets it fetch the newer toolchain a module asks for (Go 1.21+). */
  autoToolchain: boolean;
}

function goVersion(go: string): GoVersion | undefined {
  try {
    const [version = '', toolchain = ''] = execFileSync(go, ['env', 'GOVERSION', 'GOTOOLCHAIN'], { encoding: 'utf8', timeout: 10_000 }).split('\n');
    return { version: version.replace(/^go/, ''), autoToolchain: toolchain !== 'local' && toolchain !== '' };
  } catch {
    return undefined; // `go install` will say what is wrong with it.
  }
}

/** Go 1.21+ fetches a newer toolchain itself unless GOTOOLCHAIN=local; older Go cannot. */
function canBuild(have: GoVersion, minGo: string): boolean {
  const [major = 0, minor = 0] = have.version.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = minGo.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return true;
  return have.autoToolchain && major === 1 && minor >= 21;
}
