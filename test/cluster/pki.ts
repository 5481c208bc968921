/**
 * The certificates and keys of one control-plane run, generated fresh by openssl into the run's
 * directory (never committed, never reused): a CA, the API server's serving certificate, one
 * client certificate per component, and the service-account signing key pair.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Service IP range of the control plane; the API server's ClusterIP is its first address. */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
const API_SERVER_CLUSTER_IP = '10.96.0.1';

/** A client certificate: its identity as the API server reads it (CN = user, O = groups). */
export interface ClientIdentity {
  readonly user: string;
  readonly groups?: readonly string[];
}

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Cert and key of each client by file stem. */
  readonly clients: Readonly<Record<string, { cert: string; key: string }>>;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('openssl not found on PATH: the control plane generates its certificates with it (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${err.stderr?.toString() ?? err.message}`);
  }
}

const ecKey = (file: string): string[] => ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file];

/** Signs `stem.key` into `stem.crt` with the CA, with the given subject and extensions. */
function issue(dir: string, stem: string, subject: string, ext: string): void {
  openssl(ecKey(`${stem}.key`), dir);
  openssl(['req', '-new', '-key', `${stem}.key`, '-subj', subject, '-out', `${stem}.csr`], dir);
  writeFileSync(join(dir, `${stem}.ext`), ext);
  openssl(['x509', '-req', '-in', `${stem}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${stem}.ext`, '-out', `${stem}.crt`], dir);
}

/** Generates the PKI of one run into `dir` (which must exist). */
export function generatePki(dir: string, clients: Readonly<Record<string, ClientIdentity>>): Pki {
  openssl(ecKey('ca.key'), dir);
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=agent-platform-test-ca', '-days', '2', '-sha256', '-out', 'ca.crt'], dir);
  issue(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=IP:127.0.0.1,IP:${API_SERVER_CLUSTER_IP},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`,
    '',
  ].join('\n'));
  const out: Record<string, { cert: string; key: string }> = {};
  for (const [stem, id] of Object.entries(clients)) {
    const subject = `${(id.groups ?? []).map((g) => `/O=${g}`).join('')}/CN=${id.user}`;
    issue(dir, stem, subject, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    out[stem] = { cert: join(dir, `${stem}.crt`), key: join(dir, `${stem}.key`) };
  }
  // Service-account tokens: RSA, the algorithm every token consumer verifies (RS256).
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir);
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
    clients: out,
  };
}
