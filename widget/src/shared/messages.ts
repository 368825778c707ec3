// Merging what the server sends (live events, catch-up lists, acknowledgements) into the list a
// page shows, without ever showing a message twice. Shared by the shopper widget and the agent panel.
import type { Message } from './types';

/** Merge server messages by id (a later copy wins) and order them by seq, then id. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const byId = new Map<number, Message>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq || a.id - b.id);
}

/** `message_updated`: the shown message with the same id replaced; one not shown is not added. */
export function replaceMessage(current: readonly Message[], updated: Message): Message[] {
  return current.map((m) => (m.id === updated.id ? updated : m));
}
