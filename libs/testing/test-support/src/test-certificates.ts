import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM. */
  certificate: string;
  /** PEM, unencrypted. */
  key: string;
}

export interface TestCertificateAuthority {
  /** The CA's own certificate (PEM): what a client is told to trust. */
  certificate: string;
  /**
   * A certificate signed by this CA for `commonName`, valid for the subject alternative names
   * `names` (host names, or IP addresses such as 127.0.0.1), as a server or a client.
   */
  issue(commonName: string, names?: string[]): TestCertificate;
}

/**
 * A throwaway certificate authority made with the machine's `openssl`, for tests of TLS against
 * real servers. P-256 keys, valid for a day; nothing is left on disk.
 */
export function createTestCertificateAuthority(name: string): TestCertificateAuthority {
  const authority = inTemporaryDirectory((dir) => {
    openssl(['req', '-x509', ...newKey(join(dir, 'ca.key')), '-out', join(dir, 'ca.crt'), '-days', '1', '-subj', `/CN=${name}`]);
    return { certificate: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  });
  let serial = 1;
  return {
    certificate: authority.certificate,
    issue(commonName, names = []) {
      serial += 1;
      return inTemporaryDirectory((dir) => {
        writeFileSync(join(dir, 'ca.crt'), authority.certificate);
        writeFileSync(join(dir, 'ca.key'), authority.key, { mode: 0o600 });
        const extensions = ['basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth,clientAuth'];
        if (names.length > 0)
          extensions.push(`subjectAltName=${names.map((entry) => (/^[\d.]+$|:/.test(entry) ? `IP:${entry}` : `DNS:${entry}`)).join(',')}`);
        writeFileSync(join(dir, 'extensions.cnf'), `${extensions.join('\n')}\n`);
        openssl(['req', '-new', ...newKey(join(dir, 'leaf.key')), '-out', join(dir, 'leaf.csr'), '-subj', `/CN=${commonName}`]);
        openssl([
          'x509',
          '-req',
          '-in',
          join(dir, 'leaf.csr'),
          '-CA',
          join(dir, 'ca.crt'),
          '-CAkey',
          join(dir, 'ca.key'),
          '-set_serial',
          String(serial),
          '-days',
          '1',
          '-extfile',
          join(dir, 'extensions.cnf'),
          '-out',
          join(dir, 'leaf.crt'),
        ]);
        return { certificate: readFileSync(join(dir, 'leaf.crt'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
      });
    },
  };
}

function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

function inTemporaryDirectory<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'consign-certificates-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
