import { ensureSystemPackages, systemPackages } from './system-packages';

describe('the Debian packages the tests start', () => {
  it('lists PgBouncer and Chromium, and does nothing when every binary is there', () => {
    expect(systemPackages.map((entry) => entry.name)).toEqual(expect.arrayContaining(['pgbouncer', 'chromium']));
    const lines: string[] = [];
    ensureSystemPackages((line) => lines.push(line), [{ name: 'coreutils', binary: process.execPath, usedBy: 'this test' }]);
    expect(lines).toEqual([]);
  });

  it('names the command to run when it may not install one itself', () => {
    const lines: string[] = [];
    ensureSystemPackages(
      (line) => lines.push(line),
      [{ name: 'no-such-package', binary: '/nonexistent/binary', usedBy: 'this test' }],
      false,
    );
    expect(lines).toEqual(['no-such-package (for this test) missing: run `sudo apt-get install -y no-such-package`']);
  });
});
