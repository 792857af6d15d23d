import { X509Certificate } from 'node:crypto';

/** id-kp-codeSigning: only certificates issued for signing code may sign firmware. */
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

export type ChainVerdict = { ok: true; signer: X509Certificate } | { ok: false; detail: string };

/**
 * Does `chainPems` (signer first, then any intermediates) lead to the trust anchor `rootPem`,
 * every link valid at `now`? Node's own X.509 code only, as a device's firmware would use.
 */
export function verifyChain(chainPems: readonly string[], rootPem: string, now: Date): ChainVerdict {
  let chain: X509Certificate[];
  let root: X509Certificate;
  try {
    chain = chainPems.map((pem) => new X509Certificate(pem));
    root = new X509Certificate(rootPem);
  } catch (err) {
    return { ok: false, detail: `unreadable certificate (${(err as Error).message})` };
  }
  const signer = chain[0];
  if (!signer) return { ok: false, detail: 'no signing certificate' };
  if (!root.ca || !root.checkIssued(root) || !root.verify(root.publicKey)) return { ok: false, detail: 'the trust anchor is not a self-signed CA' };
  if (!(signer.keyUsage ?? []).includes(CODE_SIGNING)) return { ok: false, detail: `${signer.subject} is not a code signing certificate` };
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    const issuer = chain[i + 1] ?? root;
    if (!validAt(cert, now)) return { ok: false, detail: `${cert.subject} is not valid at ${now.toISOString()} (${cert.validFrom} – ${cert.validTo})` };
    if (i > 0 && !cert.ca) return { ok: false, detail: `${cert.subject} is not a CA but issued ${chain[i - 1]!.subject}` };
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      return { ok: false, detail: `${cert.subject} was not issued by ${issuer === root ? 'the fleet root' : issuer.subject}` };
    }
  }
  if (!validAt(root, now)) return { ok: false, detail: `the fleet root is not valid at ${now.toISOString()}` };
  return { ok: true, signer };
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
}
