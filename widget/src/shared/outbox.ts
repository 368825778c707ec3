// The send queue of the shopper widget and the agent panel: my messages that the server has not
// stored yet. Each has a client_id, kept across every resend, and the server stores a client_id
// once, so a resend after a lost acknowledgement can never make a second copy. Messages go out one
// at a time in the order typed, only while the page is connected and caught up; an entry leaves
// the queue when a stored message with its client_id arrives (ack, live event or catch-up list).
// The entries live in the page's store (the page draws them); this module only moves them along.
import type { Ack, Message } from './types';

export type OutgoingState = 'queued' | 'sending' | 'failed';

/** One of my messages that the server has not acknowledged yet. */
export interface Outgoing {
  client_id: string;
  text: string;
  state: OutgoingState;
  /** Error code of the last failed attempt, for the tooltip. */
  error?: string;
  created_at: string;
  /** A photo (shared/photos.ts): it waits here until its upload has given it an attachment_id. */
  kind?: 'image' | 'product' | 'order';
  attachment_id?: string;
  /** A product or order card (shared/CardView.tsx), sent as it was set by the shop's page. */
  card?: object;
  /** The uploaded photo's thumbnail, so the bubble shows it even after a reload. */
  preview_url?: string;
}

/** A photo whose upload has not finished cannot be sent yet. */
export function awaitingUpload(item: Outgoing): boolean {
  return item.kind === 'image' && !item.attachment_id;
}

/** How the outbox reaches its page: where the entries are kept and how one is sent. */
export interface OutboxHost<T extends Outgoing> {
  read(): readonly T[];
  write(items: T[]): void;
  /** Sending may start: connected, and caught up with the server after a reconnect. */
  ready(): boolean;
  connected(): boolean;
  /** An entry that must wait even when ready (a reply in a chat that has ended). */
  held?(item: T): boolean;
  /** Entries of one lane keep their order behind a photo still uploading (the agent's: a chat). */
  lane?(item: T): unknown;
  transmit(item: T): Promise<Ack<{ message: Message }>>;
  /** A refusal the person must answer first (the shopper's pre-chat form): true puts the entry
   * back in the queue; the hook must make ready() false until they have answered. */
  waiting?(code: string): boolean;
  /** The server stored the entry as `message`: show it. The outbox then forgets the entry. */
  delivered(item: T, message: Message): void;
}

export const RATE_LIMIT_PAUSE_MS = 1500;

let counter = 0;
/** A client_id unique across tabs and reloads: time, a random part and a counter. */
export function newClientId(): string {
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `c-${Date.now().toString(36)}-${rand}-${counter}`;
}

/** Codes after which sending the same client_id again can succeed. */
export function isRetryable(code: string): boolean {
  return code === 'timeout' || code === 'unavailable' || code === 'rate_limited';
}

/** Attempts cut short (by a disconnect or a reload) simply go out again, with the same client_id. */
export function requeueInterrupted<T extends Outgoing>(items: readonly T[]): T[] {
  return items.map((o) => (o.state === 'sending' ? { ...o, state: 'queued' } : o));
}

/** Drop entries that the server has stored (matched by client_id). */
export function settleOutbox<T extends Outgoing>(outbox: readonly T[], stored: readonly Message[]): T[] {
  if (outbox.length === 0) return outbox as T[];
  const ids = new Set(stored.map((m) => m.client_id).filter((c): c is string => !!c));
  const left = outbox.filter((o) => !ids.has(o.client_id));
  return left.length === outbox.length ? (outbox as T[]) : left;
}

export class Outbox<T extends Outgoing> {
  private flushing = false;
  /** After `rate_limited`, sending waits until then. */
  private pausedUntil = 0;

  constructor(private readonly host: OutboxHost<T>) {}

  /** Queue a new message and send it as soon as possible. Returns its client_id. */
  add(fields: Omit<T, 'client_id' | 'state' | 'created_at' | 'error'>): string {
    const item = { ...fields, client_id: newClientId(), state: 'queued', created_at: new Date().toISOString() } as T;
    this.host.write([...this.host.read(), item]);
    void this.flush();
    return item.client_id;
  }

  /** Forget an entry the person gave up on (a failed message or photo they removed). */
  remove(clientId: string): void {
    this.host.write(this.host.read().filter((o) => o.client_id !== clientId));
  }

  items(): readonly T[] {
    return this.host.read();
  }

  retry(clientId: string): void {
    this.update(clientId, { state: 'queued', error: undefined } as Partial<T>);
    void this.flush();
  }

  /** Stored messages arrived: their entries are done. */
  settle(stored: readonly Message[]): void {
    const items = this.host.read();
    const left = settleOutbox(items, stored);
    if (left !== items) this.host.write(left);
  }

  /** The socket dropped: whatever was on its way is sent again after the reconnect. */
  requeue(): void {
    const items = this.host.read();
    if (items.some((o) => o.state === 'sending')) this.host.write(requeueInterrupted(items));
  }

  /** Send queued entries one at a time, so the server stores them in the order typed. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        if (Date.now() < this.pausedUntil) return;
        if (!this.host.ready()) return;
        const next = this.next();
        if (!next) return;
        await this.attempt(next);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The first entry that may go now. A photo still uploading holds back what came after it in
   * its lane, so a photo and the words typed after it arrive in that order; a failed upload
   * holds nothing back. */
  private next(): T | undefined {
    const waiting = new Set<unknown>();
    for (const o of this.host.read()) {
      const lane = this.host.lane?.(o);
      if (awaitingUpload(o)) {
        if (o.state !== 'failed') waiting.add(lane);
      } else if (o.state === 'queued' && !waiting.has(lane) && !this.host.held?.(o)) {
        return o;
      }
    }
    return undefined;
  }

  private async attempt(item: T): Promise<void> {
    this.update(item.client_id, { state: 'sending' } as Partial<T>);
    const ack = await this.host.transmit(item);
    if (ack.ok) {
      this.host.delivered(item, ack.message);
      this.host.write(this.host.read().filter((o) => o.client_id !== item.client_id));
      return;
    }
    const current = this.host.read().find((o) => o.client_id === item.client_id);
    if (!current || current.state !== 'sending') return; // settled meanwhile, or requeued by a disconnect
    const code = ack.error.code;
    if (this.host.waiting?.(code)) {
      this.update(item.client_id, { state: 'queued' } as Partial<T>);
      return;
    }
    if (code === 'rate_limited') {
      // not stored: wait a little and resend with the same client_id, without bothering anyone
      this.update(item.client_id, { state: 'queued' } as Partial<T>);
      this.pausedUntil = Date.now() + RATE_LIMIT_PAUSE_MS;
      window.setTimeout(() => void this.flush(), RATE_LIMIT_PAUSE_MS);
      return;
    }
    if (!this.host.connected() && isRetryable(code)) this.update(item.client_id, { state: 'queued' } as Partial<T>);
    else this.update(item.client_id, { state: 'failed', error: code } as Partial<T>);
  }

  /** Change an entry in place (a photo's upload moving along). */
  update(clientId: string, patch: Partial<T>): void {
    this.host.write(this.host.read().map((o) => (o.client_id === clientId ? { ...o, ...patch } : o)));
  }
}
