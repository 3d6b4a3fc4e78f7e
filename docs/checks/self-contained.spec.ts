import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const repository = resolve(__dirname, '../..');

describe('the repository stands alone', () => {
  it('has no file that reads from the folder beside the clone', () => {
    // git grep exits 1 when nothing matches; any hit is a path a user's clone does not have. The
    // pattern is written so that this file does not match it.
    let hits = '';
    try {
      hits = execFileSync('git', ['grep', '--untracked', '-nE', String.raw`\.\./share[d]|share[d]/fixtures`, '--', '.'], {
        cwd: repository,
        encoding: 'utf8',
      });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(hits).toBe('');
  });
});
