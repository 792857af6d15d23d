import { Command, InvalidArgumentError, Option } from 'commander';
import { intIn, usageExit } from '../cli/options';
import { loadConfig } from '../config/env';
import { describePki, initPki, issueSigning } from './dev-pki';
import { PkiMissingError, pkiPaths } from './store';

function fleetName(raw: string): string {
  if (!/^[A-Za-z0-9 _.-]{1,64}$/.test(raw)) throw new InvalidArgumentError(`"${raw}" must be 1-64 characters of letters, digits, space, _ . -`);
  return raw;
}

/** A missing PKI is a usage error with the fix, not a stack trace. */
async function explained(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof PkiMissingError)) throw err;
    console.error(`fleet pki: ${err.message}`);
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  const pki = program
    .command('pki')
    .description('The dev fleet PKI: a fleet root CA and the certificate that signs firmware manifests (kept under FLEET_DATA_DIR/pki)')
    .exitOverride(usageExit);

  pki
    .command('init')
    .description('Create the fleet root CA and a signing certificate chained to it (an existing root is kept)')
    .addOption(new Option('--fleet <name>', 'fleet name in the certificates').argParser(fleetName).default('FleetTwin'))
    .addOption(new Option('--root-days <n>', 'validity of the root CA, days').argParser(intIn(1, 36_500)).default(3650))
    .addOption(new Option('--signing-days <n>', 'validity of the signing certificate, days').argParser(intIn(1, 3650)).default(365))
    .action(async (flags: { fleet: string; rootDays: number; signingDays: number }) =>
      explained(async () => {
        const paths = pkiPaths(loadConfig().FLEET_DATA_DIR);
        const done = await initPki(paths, flags);
        console.log(`fleet root CA: ${done.root} (${paths.rootCertificate})`);
        console.log(`signing certificate: ${done.signing} (${paths.signingCertificate})`);
      }),
    );

  pki
    .command('issue')
    .description('Issue a new firmware signing certificate from the fleet root, replacing the current one')
    .addOption(new Option('--fleet <name>', 'fleet name in the certificate').argParser(fleetName).default('FleetTwin'))
    .addOption(new Option('--days <n>', 'validity, days (capped at the root\'s)').argParser(intIn(1, 3650)).default(365))
    .action(async (flags: { fleet: string; days: number }) =>
      explained(async () => {
        const paths = pkiPaths(loadConfig().FLEET_DATA_DIR);
        const cert = await issueSigning(paths, flags);
        console.log(`signing certificate ${cert.serialNumber} valid until ${new Date(cert.validTo).toISOString()} (${paths.signingCertificate})`);
      }),
    );

  pki
    .command('show')
    .description('Print the root and signing certificates, their key files\' modes, and whether the chain verifies')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) =>
      explained(async () => {
        const summary = await describePki(pkiPaths(loadConfig().FLEET_DATA_DIR));
        if (flags.json) {
          console.log(JSON.stringify(summary, null, 2));
        } else {
          for (const [label, c] of [['fleet root CA', summary.root], ['signing certificate', summary.signing]] as const) {
            console.log(`${label}: ${c.subject}`);
            console.log(`  issuer ${c.issuer}, serial ${c.serialNumber}`);
            console.log(`  valid ${c.validFrom} – ${c.validTo}`);
            console.log(`  SHA-256 ${c.fingerprint256}`);
            console.log(`  ${c.file}; key ${c.keyFile} (mode ${c.keyMode ?? 'missing'})`);
          }
          console.log(summary.chain.ok ? 'chain: the signing certificate chains to the fleet root' : `chain: BROKEN — ${summary.chain.detail}`);
        }
        if (!summary.chain.ok) process.exitCode = 1;
      }),
    );
}
