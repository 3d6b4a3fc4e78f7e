import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TemplateSource } from '../domain/render-template';
import type { NotificationTemplate } from '../domain/notification-content';

/**
 * The templates in the repository (libs/notifications/templates). A bundled app cannot use this
 * path: it copies the folder next to its main.js and passes that directory instead.
 */
export const notificationTemplatesDir = resolve(__dirname, '..', '..', 'templates');

/** Reads `<name>.txt` and `<name>.html` from `dir`; read on every use so an edited template applies at once. */
export async function loadTemplate(dir: string, name: NotificationTemplate): Promise<TemplateSource> {
  const [text, html] = await Promise.all([readFile(join(dir, `${name}.txt`), 'utf8'), readFile(join(dir, `${name}.html`), 'utf8')]);
  return { name, text, html };
}
