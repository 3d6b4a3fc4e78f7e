import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** One message as the sink received it over SMTP, not read yet. */
export interface ReceivedMail {
  /** The envelope sender (MAIL FROM); empty for a null sender. */
  envelopeFrom: string;
  /** The envelope recipients (RCPT TO). */
  to: string[];
  raw: Buffer;
  receivedAt: string;
}

/** One message as the API shows it. */
export interface CaughtMail {
  /** The sink's own id, increasing in arrival order. */
  id: string;
  /** The Message-ID header, angle brackets included; null when the sender set none. */
  messageId: string | null;
  /** The From header's address (or, without one, the envelope sender). */
  from: string;
  /** The envelope recipients (RCPT TO): who the message was actually delivered to, Bcc included. */
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  receivedAt: string;
  sizeBytes: number;
}

/** Headers worth showing a developer; the whole raw header block is rarely what one looks for. */
const SHOWN_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'content-type',
]);

function shownHeaders(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (!SHOWN_HEADERS.has(key) && !key.startsWith('x-')) continue;
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

function firstAddress(from: AddressObject | undefined): string | undefined {
  return from?.value.find((entry) => entry.address)?.address;
}

/** A received message as the API shows it: its MIME parsed, what the envelope says kept beside. */
export async function readMail(id: string, received: ReceivedMail): Promise<CaughtMail> {
  const base = { id, to: received.to, receivedAt: received.receivedAt, sizeBytes: received.raw.length };
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(received.raw);
  } catch {
    // Accepted over SMTP but not MIME a parser understands: shown with what the envelope says.
    return { ...base, messageId: null, from: received.envelopeFrom, subject: '', text: null, html: null, headers: {} };
  }
  return {
    ...base,
    messageId: parsed.messageId ?? null,
    from: firstAddress(parsed.from) ?? received.envelopeFrom,
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: parsed.html || null,
    headers: shownHeaders(parsed),
  };
}

interface Entry {
  id: string;
  received: ReceivedMail;
  /** Parsed the first time the API shows it, then kept. */
  read?: Promise<CaughtMail>;
}

/**
 * The received messages, newest kept: a development catcher must not grow without bound over
 * days of running, so the oldest are dropped beyond `capacity`. Messages are kept as received and
 * parsed only when the API first shows them: parsing each on arrival cost the sink a fifth of a
 * core at 400 emails a second (bench:e2e), CPU the platform under test shares with it, where a
 * real relay's is not on our cores.
 */
export class MailStore {
  private readonly entries: Entry[] = [];
  private sequence = 0;

  constructor(private readonly capacity: number) {}

  /** Keeps a message; returns its id. */
  add(received: ReceivedMail): string {
    this.sequence += 1;
    const id = String(this.sequence);
    this.entries.push({ id, received });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return id;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Newest first; `to` keeps the messages delivered to that address (case-insensitive). */
  list(filter: { to?: string } = {}): Promise<CaughtMail[]> {
    const to = filter.to?.trim().toLowerCase();
    const matching = to ? this.entries.filter((entry) => entry.received.to.some((address) => address.toLowerCase() === to)) : this.entries;
    return Promise.all([...matching].reverse().map((entry) => this.read(entry)));
  }

  async get(id: string): Promise<CaughtMail | undefined> {
    const entry = this.entries.find((candidate) => candidate.id === id);
    return entry && this.read(entry);
  }

  /** Forgets every message; returns how many there were. */
  clear(): number {
    return this.entries.splice(0, this.entries.length).length;
  }

  private read(entry: Entry): Promise<CaughtMail> {
    entry.read ??= readMail(entry.id, entry.received);
    return entry.read;
  }
}
