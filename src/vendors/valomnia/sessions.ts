import { randomBytes } from 'node:crypto';
import { type ClockState, clockNow } from '../../core/clock.js';
import type { Tenant, TenantStore } from '../../core/store.js';
import type { ValomniaData } from './model.js';

/** The servlet container's default: a session ends after 30 minutes without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** Sessions kept at once; past it the least recently used one ends (a login loop cannot grow memory). */
export const MAX_SESSIONS = 100_000;

interface Session {
  tenant: Tenant<ValomniaData>;
  /** The tenant clock's time of the session's last request. */
  lastSeenMs: number;
  /** The clock that time was read from: a tenant reset gives the tenant a new one. */
  clock: ClockState;
}

/** Where a tenant's session ids are kept in its attachments (and so in a data directory). */
const ATTACHMENT = 'valomniaSessions';

/**
 * Valomnia's logins: session id → the tenant it belongs to. A session is not tenant data: a
 * tenant reset keeps it (a test suite resets between tests without logging in again), and it
 * ends with the tenant itself (delete), when idle for SESSION_IDLE_MS of the tenant's clock, or
 * on logout. Each tenant also lists its session ids in its attachments, so that with a data
 * directory its sessions survive a restart (their idle time counting from the restart: the time
 * of a session's last request is not written on every request).
 */
export class Sessions {
  // Map order is use order: a lookup moves a session to the end, so the first is the stalest.
  readonly #sessions = new Map<string, Session>();
  readonly #store: TenantStore;
  readonly #max: number;

  constructor(store: TenantStore, max: number = MAX_SESSIONS) {
    this.#store = store;
    this.#max = max;
  }

  /** Starts a session for a tenant; returns its id, 32 upper-case hex digits like Tomcat's. */
  begin(tenant: Tenant<ValomniaData>): string {
    const id = randomBytes(16).toString('hex').toUpperCase();
    this.#sessions.set(id, { tenant, lastSeenMs: clockNow(tenant.clock), clock: tenant.clock });
    this.#record(tenant, id, true);
    if (this.#sessions.size > this.#max) {
      const stalest = this.#sessions.keys().next().value;
      if (stalest !== undefined) this.end(stalest);
    }
    return id;
  }

  /** Takes up the sessions a tenant loaded from a data directory lists. */
  adopt(tenant: Tenant<ValomniaData>): void {
    const ids = tenant.attachments?.[ATTACHMENT];
    if (!Array.isArray(ids)) return;
    for (const id of ids) {
      if (typeof id === 'string')
        this.#sessions.set(id, { tenant, lastSeenMs: clockNow(tenant.clock), clock: tenant.clock });
    }
  }

  // Lists or unlists a session id in its tenant's attachments, for the data directory.
  #record(tenant: Tenant<ValomniaData>, id: string, live: boolean): void {
    const listed = tenant.attachments?.[ATTACHMENT];
    const ids = Array.isArray(listed) ? (listed as string[]).filter((other) => other !== id) : [];
    if (live) ids.push(id);
    tenant.attachments = { ...tenant.attachments, [ATTACHMENT]: ids };
    void this.#store.write(tenant);
  }

  /**
   * The tenant of a live session, which the request renews; null when the id names no session,
   * the session went idle too long, or its tenant was deleted since.
   */
  resolve(id: string): Tenant<ValomniaData> | null {
    const session = this.#sessions.get(id);
    if (!session) return null;
    const { tenant } = session;
    const now = clockNow(tenant.clock);
    const current = this.#store.find(tenant.vendor, tenant.credential);
    // A reset gave the tenant a new clock (real time again): the idle time read across the jump
    // would mean nothing, and a reset keeps sessions, so the session counts from now.
    const idle = session.clock === tenant.clock ? now - session.lastSeenMs : 0;
    if (current !== tenant || idle > SESSION_IDLE_MS) {
      this.#sessions.delete(id);
      if (current === tenant) this.#record(tenant, id, false);
      return null;
    }
    session.lastSeenMs = now;
    session.clock = tenant.clock;
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return tenant;
  }

  /** Ends a session; nothing happens for an id that names none. */
  end(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    this.#record(session.tenant, id, false);
  }
}

/** The session id a request carries: its JSESSIONID cookie, else an `Authorization: Bearer` token. */
export function sessionIdOf(cookie: string | undefined, authorization: string | undefined): string | null {
  if (cookie) {
    for (const pair of cookie.split(';')) {
      const at = pair.indexOf('=');
      if (at > 0 && pair.slice(0, at).trim() === 'JSESSIONID') {
        const value = pair.slice(at + 1).trim();
        if (value !== '') return value;
      }
    }
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return bearer?.[1] ?? null;
}
