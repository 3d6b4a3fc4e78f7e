import { renderTemplate, type TemplateSource } from './render-template';

const template: TemplateSource = {
  name: 'sample',
  text: 'Subject: Sold: {{ itemTitle }}\n\nHello {{displayName}}, {{itemTitle}} sold.\n',
  html: '<p>Hello {{displayName}}, <b>{{itemTitle}}</b> sold.</p>',
};

describe('renderTemplate', () => {
  it('fills the subject and text as given and escapes the HTML part', () => {
    const email = renderTemplate(template, { displayName: 'Ada & "Bob"', itemTitle: '<script>alert(1)</script>' });
    expect(email.subject).toBe('Sold: <script>alert(1)</script>');
    expect(email.text).toBe('Hello Ada & "Bob", <script>alert(1)</script> sold.\n');
    expect(email.html).toBe('<p>Hello Ada &amp; &quot;Bob&quot;, <b>&lt;script&gt;alert(1)&lt;/script&gt;</b> sold.</p>');
  });

  it('escapes single quotes in the HTML part', () => {
    expect(renderTemplate(template, { displayName: "O'Brien", itemTitle: 'x' }).html).toContain('O&#39;Brien');
  });

  it('keeps line breaks in a value out of the subject', () => {
    expect(renderTemplate(template, { displayName: 'Ada', itemTitle: 'Scarf\r\nBcc: victim@example.com' }).subject).toBe(
      'Sold: Scarf Bcc: victim@example.com',
    );
  });

  it('refuses a placeholder it is not given', () => {
    expect(() => renderTemplate(template, { displayName: 'Ada' })).toThrow('template sample uses {{itemTitle}}, which it is not given');
  });

  it('requires the Subject line', () => {
    expect(() => renderTemplate({ ...template, text: 'Hello' }, { displayName: 'Ada', itemTitle: 'x' })).toThrow(
      /must start with a "Subject: \.\.\." line/,
    );
  });
});
