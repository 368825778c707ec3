// My chats and the shop's queue, kept in step with the server's events. After any connect the
// server re-sends `assigned` (with full history) for each open chat of mine and then `queue`;
// merging by message id makes that catch-up idempotent, and a chat of mine that was not re-sent
// has left me while I was away, so its real state is fetched over REST.
import type {
  AgentServerEvents,
  AssignedPayload,
  FlagPayload,
  RatedPayload,
  ReadPayload,
  SlaAlertPayload,
  SuggestionsPayload,
  UnblockedPayload,
  VisitorContextPayload,
} from '../shared/events';
import { mergeComplaints, type Complaint, type ComplaintEscalatedPayload } from '../shared/complaints';
import { mergeMessages, replaceMessage } from '../shared/messages';
import type { Block, Conversation, Message, Note } from '../shared/types';
import { applyFlag, applyNote, mergeNotes, withNewerFlag } from './annotations';
import { ApiError, api, type ConversationWithMessages } from './api';
import { newChatEntry, patchChat, type ChatEntry, type DeskState, type DeskStore } from './deskState';
import { applyRated, mergeRatings } from './ratings';
import { applyComplaint } from './complaints';
import { applyRead, laterMarks } from './readMarks';

const CATCH_UP_DEADLINE_MS = 5000;
// a lost "stopped typing" must not leave the indicator on forever
const SHOPPER_TYPING_EXPIRE_MS = 8000;

export interface SyncHooks {
  /** Something new for the agent: a chat, a queue entry, a message in a chat not in front. */
  alert(): void;
  /** Stored messages arrived: replies of mine among them are done. */
  stored(messages: readonly Message[]): void;
  /** The catch-up is over, or a chat came (back) to me: queued replies may go out. */
  mayResume(): void;
  unauthorized(): void;
  /** A shopper rated a round I served. */
  rated(p: RatedPayload): void;
  /** A colleague blocked a shopper, or a supervisor lifted a block. */
  blocked(b: Block): void;
  unblocked(p: UnblockedPayload): void;
  /** A complaint went up a level (sent to supervisors and admins only). */
  escalated(p: ComplaintEscalatedPayload): void;
  /** An SLA clock of a chat I could answer passed its warning, or one of the shop's breached. */
  sla(p: SlaAlertPayload): void;
}

/** The chat is in front of the agent: open in the panel, and the tab visible. */
function inView(s: DeskState, id: number): boolean {
  return id === s.activeId && !document.hidden;
}

export class ChatSync implements AgentServerEvents {
  /** Chats re-sent by the server since the last connect; null once catch-up has finished. */
  private resent: Set<number> | null = new Set();
  /** The first catch-up after loading the page brings nothing new: no alerts for it. */
  private firstConnect = true;
  private queueIds = new Set<number>();
  private shopperTypingTimers = new Map<number, number>();

  constructor(
    private readonly store: DeskStore,
    private readonly token: string,
    private readonly hooks: SyncHooks,
  ) {}

  /** Replies wait while this is true: the catch-up settles replies stored before a drop and
   * tells which chats are still mine. */
  get catchingUp(): boolean {
    return this.resent !== null;
  }

  /** A connect: the catch-up starts. */
  begin(): void {
    const resent = new Set<number>();
    this.resent = resent;
    // `queue` ends the catch-up; should it never come, do not hold the outbox forever
    window.setTimeout(() => {
      if (this.resent === resent) this.finishCatchUp(resent);
    }, CATCH_UP_DEADLINE_MS);
  }

  assigned({ conversation, messages, notes, ratings, read, complaints }: AssignedPayload): void {
    const id = conversation.id;
    const known = this.store.state.chats[id];
    this.resent?.add(id);
    const entry: ChatEntry = known
      ? {
          ...known,
          conversation: withNewerFlag(conversation, known.conversation),
          messages: mergeMessages(known.messages, messages ?? []),
          notes: mergeNotes(known.notes, notes ?? []),
          ratings: mergeRatings(known.ratings, ratings ?? []),
          read: laterMarks(known.read, read),
          complaints: mergeComplaints(known.complaints, complaints ?? []),
          ended: null,
        }
      : newChatEntry(
          conversation,
          mergeMessages([], messages ?? []),
          mergeNotes([], notes ?? []),
          ratings ?? [],
          laterMarks(undefined, read),
          mergeComplaints([], complaints ?? []),
        );
    this.store.set((s) => ({
      chats: { ...s.chats, [id]: entry },
      order: s.order.includes(id) ? s.order : [...s.order, id],
      queue: s.queue.filter((c) => c.id !== id),
      activeId: s.activeId ?? id,
    }));
    this.hooks.stored(messages ?? []);
    // a chat that is new to me (not a catch-up copy of one I had) deserves an alert
    if ((!known || known.ended) && !this.firstConnect) {
      patchChat(this.store, id, (c) => ({ unread: inView(this.store.state, id) ? 0 : c.unread + 1 }));
      this.hooks.alert();
    }
    this.hooks.mayResume();
  }

  queue({ items }: { items: Conversation[] }): void {
    const before = new Map(this.store.state.queue.map((c) => [c.id, c]));
    const queue = (items ?? []).map((c) => withNewerFlag(c, before.get(c.id)));
    const fresh = queue.filter((c) => !this.queueIds.has(c.id));
    this.queueIds = new Set(queue.map((c) => c.id));
    this.store.set({ queue });
    if (fresh.length && !this.firstConnect && this.store.state.status !== 'offline') this.hooks.alert();
    if (this.resent) this.finishCatchUp(this.resent);
  }

  message(m: Message): void {
    const chat = this.store.state.chats[m.conversation_id];
    if (!chat) return;
    const isNew = !chat.messages.some((x) => x.id === m.id);
    const seen = inView(this.store.state, m.conversation_id);
    // A new question in a chat in the background: its suggestions answer an older one, and the
    // server finds fresh ones when the chat is opened (focus.ts).
    const staleSuggestions =
      isNew && m.sender === 'visitor' && m.kind === 'text' && m.conversation_id !== this.store.state.activeId;
    patchChat(this.store, m.conversation_id, (c) => ({
      messages: mergeMessages(c.messages, [m]),
      shopperTyping: m.sender === 'visitor' ? false : c.shopperTyping,
      unread: isNew && m.sender === 'visitor' && !seen ? c.unread + 1 : c.unread,
      conversation: { ...c.conversation, last_message: m },
      suggestions: staleSuggestions ? [] : c.suggestions,
    }));
    this.hooks.stored([m]);
    if (isNew && m.sender === 'visitor' && !seen) this.hooks.alert();
  }

  /** A stored message that reads differently now (a product card's image arrived). */
  message_updated(m: Message): void {
    if (!this.store.state.chats[m.conversation_id]) return;
    patchChat(this.store, m.conversation_id, (c) => ({ messages: replaceMessage(c.messages, m) }));
    this.hooks.stored([m]);
  }

  suggestions(p: SuggestionsPayload): void {
    patchChat(this.store, p.conversation_id, () => ({ suggestions: p.items ?? [] }));
  }

  typing({ conversation_id: id, typing }: { conversation_id: number; typing: boolean }): void {
    window.clearTimeout(this.shopperTypingTimers.get(id));
    patchChat(this.store, id, () => ({ shopperTyping: !!typing }));
    if (typing)
      this.shopperTypingTimers.set(
        id,
        window.setTimeout(() => patchChat(this.store, id, () => ({ shopperTyping: false })), SHOPPER_TYPING_EXPIRE_MS),
      );
  }

  note(n: Note): void {
    applyNote(this.store, n);
  }

  flag(p: FlagPayload): void {
    applyFlag(this.store, p);
  }

  /** The shopper moved to another page or product: the side panel follows. */
  visitor_context(p: VisitorContextPayload): void {
    const withContext = (c: Conversation): Conversation =>
      c.visitor.id === p.visitor_id ? { ...c, visitor: { ...c.visitor, context: p.context } } : c;
    patchChat(this.store, p.conversation_id, (entry) => ({ conversation: withContext(entry.conversation) }));
    this.store.set((s) => ({ queue: s.queue.map(withContext) }));
  }

  closed(p: { conversation_id: number; reason: string }): void {
    this.end(p.conversation_id, 'closed', p.reason);
  }

  unassigned(p: { conversation_id: number; reason: string }): void {
    this.end(p.conversation_id, 'unassigned', p.reason);
  }

  read(p: ReadPayload): void {
    applyRead(this.store, p);
  }

  rated(p: RatedPayload): void {
    applyRated(this.store, p);
    this.hooks.rated(p);
  }

  blocked(b: Block): void {
    this.hooks.blocked(b);
  }

  unblocked(p: UnblockedPayload): void {
    this.hooks.unblocked(p);
  }

  complaint(c: Complaint): void {
    applyComplaint(this.store, c);
  }

  complaint_escalated(p: ComplaintEscalatedPayload): void {
    applyComplaint(this.store, p.complaint);
    this.hooks.escalated(p);
  }

  sla_warning(p: SlaAlertPayload): void {
    this.hooks.sla(p);
  }

  sla_breach(p: SlaAlertPayload): void {
    this.hooks.sla(p);
  }

  /** The chat is no longer an open chat of mine; it stays listed, read-only, until dismissed. */
  end(id: number, kind: 'closed' | 'unassigned', reason: string): void {
    if (!this.store.state.chats[id]) return;
    patchChat(this.store, id, (c) => ({
      ended: { kind, reason },
      shopperTyping: false,
      conversation: kind === 'closed' ? { ...c.conversation, status: 'closed' } : c.conversation,
    }));
  }

  /** Re-read one chat (its photos' URLs expire): the messages come back with fresh ones. */
  refresh(id: number): void {
    void api.conversation(this.token, id).then(
      (detail) => this.mergeDetail(id, detail),
      (e) => {
        if (e instanceof ApiError && e.status === 401) this.hooks.unauthorized();
      },
    );
  }

  /** A chat re-read over REST, merged like a catch-up copy; ended if it is no longer mine. */
  private mergeDetail(id: number, { conversation, messages, notes, ratings, complaints }: ConversationWithMessages): void {
    patchChat(this.store, id, (c) => ({
      conversation: withNewerFlag(conversation, c.conversation),
      messages: mergeMessages(c.messages, messages),
      notes: mergeNotes(c.notes, notes ?? []),
      ratings: mergeRatings(c.ratings, ratings ?? []),
      complaints: mergeComplaints(c.complaints, complaints ?? []),
    }));
    if (conversation.status === 'closed') this.end(id, 'closed', 'closed');
    else if (conversation.agent?.id !== this.store.state.agent.id) this.end(id, 'unassigned', 'disconnected');
  }

  /** `queue` closes the catch-up after a connect: chats of mine that were not re-sent left me. */
  private finishCatchUp(resent: Set<number>): void {
    this.resent = null;
    this.firstConnect = false;
    for (const chat of Object.values(this.store.state.chats)) {
      const id = chat.conversation.id;
      if (chat.ended || resent.has(id)) continue;
      void api.conversation(this.token, id).then(
        (detail) => this.mergeDetail(id, detail),
        (e) => {
          if (e instanceof ApiError && e.status === 401) this.hooks.unauthorized();
          else this.end(id, 'unassigned', 'disconnected');
        },
      );
    }
    this.hooks.mayResume();
  }
}
