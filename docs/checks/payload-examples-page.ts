/**
 * Reads the examples of docs/payload-examples.md as its readers see them: each marked block is
 * the comment `<!-- example: <name> webhook|event|archive -->`, a lead-in sentence, then a fenced
 * block (the webhook as an HTTP request, the event or archive record as JSON).
 */

export interface DocumentedWebhook {
  path: string;
  /** Values by lower-cased name: header names are case-insensitive. */
  headers: Record<string, string>;
  /** The text after the blank line, as bytes: what was signed. */
  body: Buffer;
  /** The capture in fixtures/ the body is trimmed from, when the lead-in names one. */
  fixture: string | null;
}

export interface DocumentedRecord {
  schemaName: string;
  topic: string;
  key: string;
  value: unknown;
}

export interface PayloadExample {
  name: string;
  webhook: DocumentedWebhook;
  event: DocumentedRecord;
  archive: DocumentedRecord | null;
}

const marker = /<!-- example:/g;
const markedBlock = /<!-- example: (\S+) (webhook|event|archive) -->\n([\s\S]*?)^```(?:http|json)\n([\s\S]*?)\n^```$/gm;
const recordLeadIn = /`(\w+)` on `([\w.-]+)`, key `([^`]+)`/;
const fixtureLeadIn = /`(fixtures\/[\w/.-]+\.json)`/;
const requestLine = /^POST (\/\S*) HTTP\/1\.1$/;
const headerLine = /^([\w-]+): (.+)$/;

export function payloadExamples(markdown: string): PayloadExample[] {
  const blocks = [...markdown.matchAll(markedBlock)];
  // A marker the pattern does not take would leave its example unchecked without a word.
  const markers = markdown.match(marker)?.length ?? 0;
  if (blocks.length !== markers)
    throw new Error(`${markers - blocks.length} example marker(s) are not followed by a lead-in and an http or json block`);
  const parts = new Map<string, Partial<Record<string, { leadIn: string; text: string }>>>();
  for (const [, name, kind, leadIn, text] of blocks) {
    const example = parts.get(name) ?? {};
    if (example[kind]) throw new Error(`example ${name} has two ${kind} blocks`);
    parts.set(name, { ...example, [kind]: { leadIn, text } });
  }
  return [...parts].map(([name, { webhook, event, archive }]) => {
    if (!webhook || !event) throw new Error(`example ${name} needs a webhook block and an event block`);
    return {
      name,
      webhook: webhookOf(name, webhook.leadIn, webhook.text),
      event: recordOf(`${name} event`, event.leadIn, event.text),
      archive: archive ? recordOf(`${name} archive`, archive.leadIn, archive.text) : null,
    };
  });
}

function webhookOf(name: string, leadIn: string, text: string): DocumentedWebhook {
  const blankLine = text.indexOf('\n\n');
  if (blankLine < 0) throw new Error(`the ${name} webhook has no blank line between its headers and its body`);
  const [first, ...lines] = text.slice(0, blankLine).split('\n');
  const path = requestLine.exec(first)?.[1];
  if (path === undefined) throw new Error(`the ${name} webhook must start with "POST <path> HTTP/1.1", not "${first}"`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const header = headerLine.exec(line);
    if (!header) throw new Error(`the ${name} webhook has a header line that is not "Name: value": "${line}"`);
    headers[header[1].toLowerCase()] = header[2];
  }
  return { path, headers, body: Buffer.from(text.slice(blankLine + 2), 'utf8'), fixture: fixtureLeadIn.exec(leadIn)?.[1] ?? null };
}

function recordOf(name: string, leadIn: string, text: string): DocumentedRecord {
  const facts = recordLeadIn.exec(leadIn);
  if (!facts) throw new Error(`the ${name} lead-in must name its schema, topic and key: "\`Schema\` on \`topic\`, key \`key\`"`);
  return { schemaName: facts[1], topic: facts[2], key: facts[3], value: JSON.parse(text) };
}
