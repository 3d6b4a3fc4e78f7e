import { randomBytes } from 'node:crypto';
import { ApiKey } from '@consign/service-runtime';

export interface ConsoleSession {
  /** The key's name: who acts in the audit log. */
  operator: string;
  scopes: readonly string[];
  /** The key itself, presented downstream, so that every app checks the operator's own scopes. Never logged. */
  apiKey: string;
  createdAt: number;
  lastSeenAt: number;
}

/** However active, a session ends after this: a stolen cookie is not good forever. */
const longestSessionMs = 12 * 60 * 60 * 1000;

/** Signed-in operators, in memory: a restart signs everyone out, which is the safe direction. */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  open(key: ApiKey, presented: string): string {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const at = this.now();
    this.sessions.set(id, { operator: key.name, scopes: key.scopes, apiKey: presented, createdAt: at, lastSeenAt: at });
    return id;
  }

  /** The live session of a cookie, its idle time restarted; an expired one is forgotten. */
  find(id: string | undefined): ConsoleSession | undefined {
    this.sweep();
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const at = this.now();
    if (at - session.lastSeenAt > this.idleMs || at - session.createdAt > longestSessionMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = at;
    return session;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private lastSweepAt = 0;

  /** Forgets expired sessions, at most once a minute: those never used again would stay otherwise. */
  private sweep(): void {
    const at = this.now();
    if (at - this.lastSweepAt < 60_000) return;
    this.lastSweepAt = at;
    for (const [id, session] of this.sessions)
      if (at - session.lastSeenAt > this.idleMs || at - session.createdAt > longestSessionMs) this.sessions.delete(id);
  }
}

/**
 * Failed sign-ins per address in the last minute: past the limit the address waits, so that keys
 * cannot be guessed at speed.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  allows(address: string): boolean {
    // Addresses that never come back are forgotten with the next sign-in a minute later.
    for (const known of [...this.failures.keys()]) if (known !== address) this.recent(known);
    return this.recent(address).length < this.perMinute;
  }

  failed(address: string): void {
    this.failures.set(address, [...this.recent(address), this.now()]);
  }

  private recent(address: string): number[] {
    const since = this.now() - 60_000;
    const recent = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (recent.length) this.failures.set(address, recent);
    else this.failures.delete(address);
    return recent;
  }
}
