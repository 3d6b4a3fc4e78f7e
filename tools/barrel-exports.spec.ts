import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { libraryFolders } from '@consign/test-support';

/**
 * A lib's barrel (src/index.ts) is its public surface: each name it exports must be used by some
 * file outside the lib's src/ that imports the lib (issue 25). What only the lib itself uses stays
 * inside, so that the surface a reader learns is the one that is really depended on.
 */
const root = join(__dirname, '..');

function exportedNames(barrel: string): string[] {
  const names: string[] = [];
  for (const [, list] of barrel.matchAll(/export (?:type )?\{([^}]*)\} from/g)) {
    for (const entry of list.split(',')) {
      const name = entry
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.push(name);
    }
  }
  for (const [, name] of barrel.matchAll(/^export (?:declare )?(?:const|function|async function|class|interface|type|enum) (\w+)/gm))
    names.push(name);
  return names;
}

describe('the libs’ barrels', () => {
  const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js', '*.mjs'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file && existsSync(join(root, file)))
    .map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
  const libs = libraryFolders(root).filter((lib) => existsSync(join(root, lib, 'src/index.ts')));

  it.each(libs)('%s exports only what is used outside it', (folder) => {
    const lib = basename(folder);
    const users = sources.filter(
      ({ file, text }) => !file.startsWith(`${folder}/src/`) && (text.includes(`'@consign/${lib}'`) || text.includes(`"@consign/${lib}"`)),
    );
    const unused = exportedNames(readFileSync(join(root, folder, 'src/index.ts'), 'utf8')).filter(
      (name) => !users.some(({ text }) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text)),
    );
    expect({ lib, unused }).toEqual({ lib, unused: [] });
  });
});
