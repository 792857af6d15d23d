// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** ECDSA P-256 with SHA-256: small keys and signatures that any device's crypto library verifies. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** id-kp-codeSigning: the signing certificate may sign firmware, and nothing else. */
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const DAY_MS = 86_400_000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateOptions {
  /** The distinguished name, e.g. `CN=FleetTwin dev fleet root, O=FleetTwin`. */
  subject: string;
  validDays: number;
  now?: Date;
}

/** A self-signed CA that may sign one level of certificates below it (the per-fleet signers). */
export async function createRootCa(options: CertificateOptions): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const notBefore = options.now ?? new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: options.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + options.validDays * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
}

/** A firmware signing certificate issued by `issuer` (not a CA; code signing only). */
export async function issueSigningCertificate(issuer: IssuedCertificate, options: CertificateOptions): Promise<IssuedCertificate> {
  const issuerCert = new x509.X509Certificate(issuer.certificatePem);
  const issuerKey = await importPrivateKey(issuer.privateKeyPem);
  const keys = await generateKeys();
  const notBefore = options.now ?? new Date();
  const notAfter = new Date(Math.min(notBefore.getTime() + options.validDays * DAY_MS, issuerCert.notAfter.getTime()));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: options.subject,
    issuer: issuerCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: issuerKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([CODE_SIGNING], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** A positive 16-byte serial, as RFC 5280 asks (at most 20 octets, unpredictable). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
}
