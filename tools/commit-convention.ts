/**
 * The commit convention of CONTRIBUTING.md, as code: a subject of at most `maxSubjectLength`
 * characters, a blank line, and a body that says why. No hook runs it; its spec holds the page to
 * the limit checked here.
 */

/** GitHub cuts a longer subject short, and with `git log --oneline`'s hash it fills 80 columns. */
export const maxSubjectLength = 72;

/** What a commit message breaks of the convention, one line each; empty when it keeps it. */
export function commitProblems(message: string): string[] {
  // An editor may have saved CRLF: the CR is no part of the subject's length.
  const [subject, separator, ...body] = message.split(/\r?\n/);
  const problems: string[] = [];
  // Code points, not UTF-16 units: an emoji is one character, though two units.
  const subjectLength = [...subject].length;
  if (subject.trim() === '') problems.push('the subject (first line) is empty');
  else if (subjectLength > maxSubjectLength) problems.push(`the subject has ${subjectLength} characters, more than ${maxSubjectLength}`);
  if (separator !== undefined && separator.trim() !== '')
    problems.push('the second line is not blank: the subject is one line, and the body follows a blank line');
  if (body.every((line) => line.trim() === '')) problems.push('there is no body saying why');
  return problems;
}
