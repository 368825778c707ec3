// Message bookkeeping shared by the shopper widget and the agent panel: merge what the server
// sends (live events, catch-up lists, acknowledgements) without ever showing a message twice, and
// keep the sender's own not-yet-stored messages (the outbox) until the server has stored them.
import type { Message } from './types';

/** Merge server messages by id (a later copy wins) and order them by seq, then id. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const byId = new Map<number, Message>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq || a.id - b.id);
}

export type OutgoingState = 'queued' | 'sending' | 'failed';

/** One of my messages that the server has not acknowledged yet. */
export interface Outgoing {
  client_id: string;
  text: string;
  faq_id?: string;
  state: OutgoingState;
  /** Error code of the last failed attempt, for the tooltip. */
  error?: string;
  created_at: string;
}

/** Drop outbox entries that the server has stored (matched by client_id). */
export function settleOutbox(outbox: readonly Outgoing[], stored: readonly Message[]): Outgoing[] {
  if (outbox.length === 0) return outbox as Outgoing[];
  const ids = new Set(stored.map((m) => m.client_id).filter((c): c is string => !!c));
  const left = outbox.filter((o) => !ids.has(o.client_id));
  return left.length === outbox.length ? (outbox as Outgoing[]) : left;
}

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
