/** A template as stored: the text file (its first line `Subject: ...`) and the HTML file. */
export interface TemplateSource {
  name: string;
  text: string;
  html: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

function substitute(template: TemplateSource, part: string, values: Record<string, string>, escape: (value: string) => string): string {
  return part.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    // A typo in a template must fail loudly, not mail "{{amuontEarned}}" to every consignor.
    if (value === undefined) throw new Error(`template ${template.name} uses {{${name}}}, which it is not given`);
    return escape(value);
  });
}

/**
 * Fills the placeholders: as given in the text part and subject, HTML-escaped in the HTML part.
 * Line breaks in a value cannot reach the Subject header.
 */
export function renderTemplate(template: TemplateSource, values: Record<string, string>): RenderedEmail {
  const match = /^Subject:[ \t]*(.*)\r?\n(?:\r?\n)?/.exec(template.text);
  if (!match) throw new Error(`template ${template.name}: the text part must start with a "Subject: ..." line`);
  const subject = substitute(template, match[1] ?? '', values, (value) => value.replace(/\s*[\r\n]+\s*/g, ' ')).trim();
  return {
    subject,
    text: substitute(template, template.text.slice(match[0].length), values, (value) => value),
    html: substitute(template, template.html, values, escapeHtml),
  };
}
