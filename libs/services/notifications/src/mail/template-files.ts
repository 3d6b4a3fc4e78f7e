import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TemplateSource } from '../domain/render-template';
import type { NotificationTemplate } from '../domain/notification-content';

/**
 * The templates in the repository (libs/services/notifications/templates). A bundled app cannot use this
 * path: it copies the folder next to its main.js and passes that directory instead.
 */
export const notificationTemplatesDir = resolve(__dirname, '..', '..', 'templates');

const loaded = new Map<string, Promise<TemplateSource>>();

/**
 * `<name>.txt` and `<name>.html` from `dir`, read once per process: the templates ship with the
 * build (a changed template comes with a new deployment), and every email would otherwise read two
 * files. A read that fails is not kept, so the next email tries again.
 */
export function loadTemplate(dir: string, name: NotificationTemplate): Promise<TemplateSource> {
  const key = join(dir, name);
  const cached = loaded.get(key);
  if (cached !== undefined) return cached;
  const reading = Promise.all([readFile(join(dir, `${name}.txt`), 'utf8'), readFile(join(dir, `${name}.html`), 'utf8')]).then(
    ([text, html]) => Object.freeze({ name, text, html }),
  );
  loaded.set(key, reading);
  reading.catch(() => {
    if (loaded.get(key) === reading) loaded.delete(key);
  });
  return reading;
}
