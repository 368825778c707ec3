// Read state (已读) in the panel: the shopper's mark shows 已读 / 未读 under my messages, and my
// mark is sent while a chat is open in front of me (shared/readState.ts).
import { AgentEvent, type ReadPayload } from '../shared/events';
import { ReadReporter } from '../shared/readState';
import type { ReadMarks } from '../shared/types';
import type { DeskConnection } from './connection';
import { patchChat, type DeskStore } from './deskState';

export function laterMarks(known: ReadMarks | undefined, incoming: ReadMarks | undefined): ReadMarks {
  return {
    visitor: Math.max(known?.visitor ?? 0, incoming?.visitor ?? 0),
    agent: Math.max(known?.agent ?? 0, incoming?.agent ?? 0),
  };
}

/** `read` from the server: the shopper has read up to `seq`. */
export function applyRead(store: DeskStore, p: ReadPayload): void {
  const side = p.by === 'visitor' ? 'visitor' : 'agent';
  patchChat(store, p.conversation_id, (c) => ({ read: { ...c.read, [side]: Math.max(c.read[side], p.seq) } }));
}

/** Sends my `read` for the chat in front of me (open in the panel, the tab visible) whenever
 * new messages appear in it, or it comes to the front. */
export function reportReads(store: DeskStore, conn: DeskConnection): void {
  const reporter = new ReadReporter(
    async (id, seq) => (await conn.request(AgentEvent.sendRead, { conversation_id: id, seq })).ok,
    (id) => {
      const s = store.state;
      return conn.connected && s.activeId === id && !s.chats[id]?.ended;
    },
  );
  let lastKey = '';
  store.subscribe(() => {
    const s = store.state;
    const chat = s.activeId == null ? undefined : s.chats[s.activeId];
    if (!chat || chat.ended) return;
    const id = chat.conversation.id;
    const top = chat.messages[chat.messages.length - 1]?.seq ?? 0;
    const key = `${id}:${top}:${chat.read.agent}`;
    if (key === lastKey) return;
    lastKey = key;
    reporter.known(id, chat.read.agent);
    if (top) reporter.shown(id, top);
  });
}
