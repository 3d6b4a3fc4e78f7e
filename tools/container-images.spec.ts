import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptMirror, dockerfileBase } from './container-images';

describe('tools/container-images.ts', () => {
  it("makes its base for the Dockerfile's default: the pinned Node.js release on the same Debian suite", () => {
    expect(dockerfileBase()).toEqual({ nodeRelease: readFileSync(join(__dirname, '../.nvmrc'), 'utf8').trim(), suite: 'bookworm' });
  });

  describe('debootstraps from the mirror apt uses for the suite', () => {
    it('in deb822 sources, skipping stanzas of other suites', () => {
      const security = 'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n';
      const main = 'Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';
      expect(aptMirror('bookworm', [`${security}\n${main}`])).toBe('http://mirror.example/debian');
    });

    it('in one-line sources, options included', () => {
      expect(aptMirror('bookworm', ['deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n'])).toBe(
        'http://one.example/debian',
      );
      expect(aptMirror('bookworm', ['deb http://other.example/debian trixie main\n'])).toBe('http://deb.debian.org/debian');
    });
  });
});
