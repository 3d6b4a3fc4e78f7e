import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, notificationTemplatesDir } from './template-files';

describe('loadTemplate', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'consign-templates-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads a template once per process: later emails use what was read, without touching the files', async () => {
    const dir = freshDir();
    for (const file of ['item-sold.txt', 'item-sold.html']) copyFileSync(join(notificationTemplatesDir, file), join(dir, file));
    const first = await loadTemplate(dir, 'item-sold');
    expect(first.text).toMatch(/^Subject: /);
    rmSync(join(dir, 'item-sold.txt'));
    rmSync(join(dir, 'item-sold.html'));
    expect(await loadTemplate(dir, 'item-sold')).toBe(first);
  });

  it('does not keep a failed read: the next use reads again', async () => {
    const dir = freshDir();
    await expect(loadTemplate(dir, 'welcome')).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(dir, 'welcome.txt'), 'Subject: Welcome, {{displayName}}\n\nHello {{displayName}},\n');
    writeFileSync(join(dir, 'welcome.html'), '<p>Hello {{displayName}},</p>');
    expect(await loadTemplate(dir, 'welcome')).toEqual({
      name: 'welcome',
      text: 'Subject: Welcome, {{displayName}}\n\nHello {{displayName}},\n',
      html: '<p>Hello {{displayName}},</p>',
    });
  });
});
