import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { projectFolders } from '@consign/test-support';

const repository = resolve(__dirname, '../..');
const pagePath = join(repository, 'docs/troubleshooting.md');

/**
 * Production source: every app's and lib's `src`, without tests (`*.spec.ts`, `testing/` helpers),
 * the end-to-end suite and the test-only lib (whose Shopify stand-in answers Shopify's own codes).
 * `tools/` is left out: development scripts (npm start, npm test, benches, provisioning) answer no
 * HTTP caller and write no dead letter, and the errors they print come from the libs read here.
 */
const excludedProjects = new Set(['apps/platform-e2e', 'libs/testing/test-support']);

/** Literals the extraction below reads that are not codes, each with why; each must still be in the source. */
const notCodes: Record<string, string> = {
  'dlq.error.code': 'the name of the dead-letter header that carries the code (deadLetterHeaders)',
};

interface SourceFile {
  path: string;
  text: string;
}

interface Extraction {
  /** Each code with the files it comes from. */
  codes: Map<string, Set<string>>;
  /** Code expressions that cannot be listed (an interpolated template, a code from elsewhere): refused, not guessed. */
  unreadable: string[];
}

function productionSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        files.push({ path: relative(repository, path), text: readFileSync(path, 'utf8') });
      }
    }
  };
  for (const project of projectFolders(repository)) {
    const source = join(repository, project, 'src');
    if (!excludedProjects.has(project) && existsSync(source)) walk(source);
  }
  return files;
}

/** Index just past the string literal opening at `start` (', " or `). */
function endOfString(text: string, start: number): number {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length && text[index] !== quote) index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The expression starting at `start`, up to the first `,` `;` or closing bracket outside brackets and strings. */
function expressionAt(text: string, start: number): string {
  let depth = 0;
  for (let index = start; index < text.length;) {
    const char = text[index];
    if (char === "'" || char === '"' || char === '`') {
      index = endOfString(text, index);
      continue;
    }
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      if (depth === 0) return text.slice(start, index);
      depth -= 1;
    } else if ((char === ',' || char === ';') && depth === 0) return text.slice(start, index);
    index += 1;
  }
  return text.slice(start);
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas. */
function argumentsAt(text: string, open: number): string[] {
  const args: string[] = [];
  let from = open + 1;
  for (;;) {
    const arg = expressionAt(text, from);
    args.push(arg.trim());
    const next = from + arg.length;
    if (text[next] !== ',') return args;
    from = next + 1;
  }
}

/** A declaration's parameters, split at the commas outside type arguments (`Record<string, unknown>`). */
function parametersOf(list: string): string[] {
  const parameters = [''];
  let depth = 0;
  for (const char of list) {
    if ('<([{'.includes(char)) depth += 1;
    else if ('>)]}'.includes(char)) depth -= 1;
    if (char === ',' && depth === 0) parameters.push('');
    else parameters[parameters.length - 1] += char;
  }
  return parameters.map((parameter) => parameter.trim());
}

/**
 * The string literals an expression can evaluate to: every literal except the operands of a
 * comparison (`type === 'entity.too.large' ? 'http.body_too_large' : …` yields only the second).
 */
function literalsOf(expression: string, unreadable: string[]): string[] {
  const literals: string[] = [];
  for (let index = 0; index < expression.length; index += 1) {
    const char = expression[index];
    if (char !== "'" && char !== '"' && char !== '`') continue;
    const end = endOfString(expression, index);
    const body = expression.slice(index + 1, end - 1);
    const compared = /[=!]=\s*$/.test(expression.slice(0, index)) || /^\s*[=!]==?/.test(expression.slice(end));
    if (!compared) {
      if (char === '`' && body.includes('${')) unreadable.push(expression.trim());
      else literals.push(body);
    }
    index = end - 1;
  }
  return literals;
}

/**
 * Every problem code the source can produce, read in the three forms it uses:
 * 1. a `code:` property or a `code =` variable (`{ code: 'shopify.signature_invalid', … }`), with
 *    the literals of its fallbacks and ternaries (`problem.code ?? 'operations.service_refused'`,
 *    `usage ? 'usage' : 'error'`); `.code` reads, `code ===` tests and type annotations are no codes;
 * 2. helpers taking a `code: string` parameter (`notFound(code, …)`, `this.failure(code, …)`): the
 *    literal passed in that position, in the file that declares the helper or imports it;
 * 3. what cannot be listed is reported as unreadable, not guessed: an interpolated template literal
 *    in either place, a helper given anything but a literal, and a `new PlatformError` whose code
 *    is neither a `code:` property nor the `code` parameter of such a helper (`{ code }` from
 *    anywhere else).
 */
function extractCodes(files: SourceFile[]): Extraction {
  const codes = new Map<string, Set<string>>();
  const unreadable: string[] = [];
  const add = (code: string, path: string): void => {
    if (Object.hasOwn(notCodes, code)) return;
    codes.set(code, (codes.get(code) ?? new Set()).add(path));
  };

  for (const { path, text } of files) {
    for (const match of text.matchAll(/(?<![\w$.])code\s*(?::|=(?![=>]))/g)) {
      for (const literal of literalsOf(expressionAt(text, match.index + match[0].length), unreadable)) add(literal, path);
    }
  }

  const declaringHelpers = new Set<SourceFile>();
  for (const declaring of files) {
    for (const match of declaring.text.matchAll(/\b(\w+)\s*\(([^()]*)\)/g)) {
      const name = match[1];
      const position = parametersOf(match[2]).findIndex((parameter) => /^code\s*:\s*string$/.test(parameter));
      if (position < 0) continue;
      declaringHelpers.add(declaring);
      const imports = new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`);
      for (const { path, text } of files.filter((file) => file === declaring || imports.test(file.text))) {
        for (const call of text.matchAll(new RegExp(`\\b${name}\\s*\\(`, 'g'))) {
          const arg = argumentsAt(text, call.index + call[0].length - 1)[position] ?? '';
          // `code` itself: the declaration, or a helper handing its own parameter on.
          if (/^(['"`])[\s\S]*\1$/.test(arg)) for (const literal of literalsOf(arg, unreadable)) add(literal, path);
          else if (!/^code\b/.test(arg)) unreadable.push(`${path}: ${name}(…${arg}…)`);
        }
      }
    }
  }

  for (const file of files) {
    for (const match of file.text.matchAll(/\bnew PlatformError\s*\(/g)) {
      const options = argumentsAt(file.text, match.index + match[0].length - 1)[1] ?? '';
      const property = /(?<![\w$.])code\s*:/.test(options);
      const parameter = declaringHelpers.has(file) && /(?<![\w$.])code\s*[,}]/.test(options);
      if (!property && !parameter) unreadable.push(`${file.path}: new PlatformError(…, ${options})`);
    }
  }
  return { codes, unreadable };
}

/** The codes the page documents: the first cell of each row of the tables headed `| code |` under "## Problem codes". */
function documentedCodes(markdown: string): string[] {
  const section = /^## Problem codes$([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? '';
  const codes: string[] = [];
  let inCodeTable = false;
  let previous = '';
  for (const line of section.split('\n')) {
    // A table starts with a header line followed by its delimiter line; any other line ends it.
    if (/^\|[\s|:-]+\|$/.test(line)) inCodeTable = /^\|\s*code\s*\|/.test(previous);
    else if (!line.startsWith('|')) inCodeTable = false;
    else if (inCodeTable) codes.push(/^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1] ?? line);
    previous = line;
  }
  return codes;
}

describe('docs/troubleshooting.md lists every problem code', () => {
  const files = productionSources();
  const { codes, unreadable } = extractCodes(files);
  const documented = documentedCodes(readFileSync(pagePath, 'utf8'));

  it('reads each form of code the source uses', () => {
    const sample = (path: string, text: string): SourceFile => ({ path, text });
    const found = extractCodes([
      sample(
        'a.ts',
        "throw new PlatformError('x', { code: 'area.literal', category: 'invalid' });\ninterface P { code: string; retriable?: boolean }",
      ),
      sample('b.ts', "const code = error.code === 'area.compared' ? 'area.ternary' : (type ?? 'area.fallback');"),
      sample('c.ts', "io.out(json({ error: { code: (error as { code?: string }).code ?? (usage ? 'usage' : 'error') } }));"),
      sample('d.ts', "function notFound(code: string, details: Record<string, unknown>) {}\nthrow notFound('area.helper', {});"),
      sample(
        'e.ts',
        "class R { private failure(message: string, code: string): E { return e; }\n x() { throw this.failure(`m ${a}`, 'area.method'); } }",
      ),
      sample('f.ts', 'export function build(code: string) {}'),
      sample('g.ts', "import { build } from './f';\nbuild('area.imported');\nbuild(variable);"),
      sample(
        'h.ts',
        'const x = { code: `area.${kind}` };\nconst { code } = codes[kind];\nthrow new PlatformError(message, { code, category });',
      ),
      sample('i.ts', "const headers = { code: 'dlq.error.code' };\nif (error.code === 'area.test') {}"),
    ]);
    expect([...found.codes.keys()].sort()).toEqual(
      ['area.fallback', 'area.helper', 'area.imported', 'area.literal', 'area.method', 'area.ternary', 'error', 'usage'].sort(),
    );
    expect(found.unreadable).toEqual(['`area.${kind}`', 'g.ts: build(…variable…)', 'h.ts: new PlatformError(…, { code, category })']);
  });

  it('reads the code tables of the page, and only those', () => {
    const markdown = [
      '## Problem codes',
      '| category | HTTP |',
      '|---|---|',
      '| `transient` | 500 |',
      '',
      '| code | HTTP |',
      '|---|---|',
      '| `area.first` | 400 |',
      '| area.unquoted | 400 |',
      'A paragraph.',
      '| `area.after_table` | 400 |',
      '## Common issues',
      '| code |',
      '|---|',
      '| `area.elsewhere` |',
    ].join('\n');
    expect(documentedCodes(markdown)).toEqual(['area.first', '| area.unquoted | 400 |']);
  });

  it('finds no code it cannot list', () => {
    expect(unreadable).toEqual([]);
  });

  it('excludes only literals that are still in the source', () => {
    for (const literal of Object.keys(notCodes)) expect(files.some(({ text }) => text.includes(`'${literal}'`))).toBe(true);
  });

  it('documents every code the source can produce', () => {
    const missing = [...codes].filter(([code]) => !documented.includes(code)).map(([code, paths]) => `${code} (${[...paths].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('documents no code the source no longer has', () => {
    expect(documented.filter((code) => !codes.has(code))).toEqual([]);
  });

  it('documents each code once', () => {
    expect(documented.filter((code, index) => documented.indexOf(code) !== index)).toEqual([]);
  });
});
