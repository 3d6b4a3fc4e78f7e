/** One message as the sink received it. */
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

/**
 * The received messages, newest kept: a development catcher must not grow without bound over
 * days of running, so the oldest are dropped beyond `capacity`.
 */
export class MailStore {
  private readonly messages: CaughtMail[] = [];
  private sequence = 0;

  constructor(private readonly capacity: number) {}

  add(mail: Omit<CaughtMail, 'id'>): CaughtMail {
    this.sequence += 1;
    const stored = { id: String(this.sequence), ...mail };
    this.messages.push(stored);
    if (this.messages.length > this.capacity) this.messages.splice(0, this.messages.length - this.capacity);
    return stored;
  }

  /** Newest first; `to` keeps the messages delivered to that address (case-insensitive). */
  list(filter: { to?: string } = {}): CaughtMail[] {
    const to = filter.to?.trim().toLowerCase();
    const matching = to ? this.messages.filter((m) => m.to.some((address) => address.toLowerCase() === to)) : this.messages;
    return [...matching].reverse();
  }

  get(id: string): CaughtMail | undefined {
    return this.messages.find((m) => m.id === id);
  }

  /** Forgets every message; returns how many there were. */
  clear(): number {
    return this.messages.splice(0, this.messages.length).length;
  }
}
