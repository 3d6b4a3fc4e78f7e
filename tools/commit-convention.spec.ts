import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitProblems, maxSubjectLength } from './commit-convention';

const contributing = readFileSync(join(__dirname, '..', 'CONTRIBUTING.md'), 'utf8');
const body = 'The reason for the change, in a sentence or two.';

describe('the commit convention', () => {
  it('takes a subject of up to the limit, a blank line and a body, with the newline git adds, in LF or CRLF', () => {
    expect(commitProblems(`${'s'.repeat(maxSubjectLength)}\n\n${body}\n`)).toEqual([]);
    expect(commitProblems(`${'s'.repeat(maxSubjectLength)}\r\n\r\n${body}\r\n`)).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(commitProblems(`${'→'.repeat(maxSubjectLength - 1)}😀\n\n${body}`)).toEqual([]);
  });

  it('refuses a subject one character over the limit, or an empty one', () => {
    expect(commitProblems(`${'s'.repeat(maxSubjectLength + 1)}\n\n${body}`)).toEqual([
      `the subject has ${maxSubjectLength + 1} characters, more than ${maxSubjectLength}`,
    ]);
    expect(commitProblems(`\n\n${body}`)).toEqual(['the subject (first line) is empty']);
  });

  it('refuses a second line that is not blank, and a message without a body', () => {
    expect(commitProblems(`Subject\ncontinued\n\n${body}`)).toEqual([
      'the second line is not blank: the subject is one line, and the body follows a blank line',
    ]);
    expect(commitProblems('Subject')).toEqual(['there is no body saying why']);
    expect(commitProblems('Subject\n\n  \n')).toEqual(['there is no body saying why']);
  });

  it('is the one CONTRIBUTING.md states, and its example keeps it', () => {
    const stated = [...contributing.matchAll(/subject of at most (\d+) characters/g)].map((match) => Number(match[1]));
    expect(stated).toEqual([maxSubjectLength]);
    const example = /## Commits\n[\s\S]*?```text\n([\s\S]*?)```/.exec(contributing);
    expect(example).not.toBeNull();
    expect(commitProblems((example as RegExpExecArray)[1])).toEqual([]);
  });
});
