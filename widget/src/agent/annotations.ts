// Private notes and coloured flags (staff only): merged into the desk's state from the server's
// events and acknowledgements, and the actions the side panel, the chat header and the list's
// filter call (`note` and `flag` on /agent). Not buffered while disconnected, like `accept`.
import { AgentEvent, type FlagPayload } from '../shared/events';
import { NOTE_LIMIT, type Conversation, type ConversationFlag, type Note } from '../shared/types';
import type { DeskConnection } from './connection';
import { patchChat, type DeskStore } from './deskState';
import { errorText } from './errorText';

const NOTE_ERROR_TEXT: Record<string, string> = {
  text_too_long: `备注不能超过${NOTE_LIMIT}字`,
  empty_text: '备注不能为空',
};

/** Merge notes by id (a later copy wins), oldest first: the newest is shown last. */
export function mergeNotes(current: readonly Note[], incoming: readonly Note[]): Note[] {
  if (incoming.length === 0) return current as Note[];
  const byId = new Map<number, Note>();
  for (const n of current) byId.set(n.id, n);
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function later(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && (!b || Date.parse(a) > Date.parse(b));
}

/** A conversation object as the server sent it, but with the flag we know to be newer, if any
 * (a copy read just before a colleague changed the flag can arrive after their change). */
export function withNewerFlag(incoming: Conversation, known: Conversation | undefined): Conversation {
  if (!known || !later(known.flag_changed_at, incoming.flag_changed_at)) return incoming;
  return { ...incoming, flag: known.flag ?? null, flag_changed_at: known.flag_changed_at };
}

export function applyNote(store: DeskStore, note: Note): void {
  patchChat(store, note.conversation_id, (c) => ({ notes: mergeNotes(c.notes, [note]) }));
}

/** A flag change reaches my chat and the queue entry, whichever shows the conversation. */
export function applyFlag(store: DeskStore, p: FlagPayload): void {
  const change = (c: Conversation): Conversation =>
    later(c.flag_changed_at, p.flag_changed_at) ? c : { ...c, flag: p.flag, flag_changed_at: p.flag_changed_at };
  patchChat(store, p.conversation_id, (c) => ({ conversation: change(c.conversation) }));
  store.set((s) =>
    s.queue.some((c) => c.id === p.conversation_id)
      ? { queue: s.queue.map((c) => (c.id === p.conversation_id ? change(c) : c)) }
      : {},
  );
}

export interface AnnotationHooks {
  /** Connected now; otherwise says so to the agent and returns false. */
  ready(): boolean;
  toast(text: string): void;
}

export class ChatAnnotations {
  constructor(
    private readonly store: DeskStore,
    private readonly conn: DeskConnection,
    private readonly hooks: AnnotationHooks,
  ) {}

  /** Add a note to the chat; true once the server stored it. */
  async addNote(id: number, text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (!trimmed) return false;
    if (trimmed.length > NOTE_LIMIT) {
      this.hooks.toast(NOTE_ERROR_TEXT.text_too_long);
      return false;
    }
    if (!this.hooks.ready()) return false;
    const ack = await this.conn.request<{ note: Note }>(AgentEvent.addNote, { conversation_id: id, text: trimmed });
    if (!ack.ok) {
      this.hooks.toast(NOTE_ERROR_TEXT[ack.error.code] ?? errorText(ack.error.code));
      return false;
    }
    applyNote(this.store, ack.note);
    return true;
  }

  /** Set the chat's flag, or clear it with null. */
  async setFlag(id: number, flag: ConversationFlag | null): Promise<void> {
    if (!this.hooks.ready()) return;
    const ack = await this.conn.request<FlagPayload>(AgentEvent.setFlag, { conversation_id: id, flag });
    if (ack.ok) applyFlag(this.store, ack);
    else this.hooks.toast(errorText(ack.error.code));
  }

  /** Show only my chats with this flag (null: all of them). */
  setFilter(flag: ConversationFlag | null): void {
    this.store.set({ flagFilter: flag });
  }
}
