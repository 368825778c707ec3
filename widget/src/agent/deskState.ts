// The agent panel's state, one immutable object in a Store: the chats I own, the shop's waiting
// queue, my replies not yet stored, and what the side panel has loaded.
import type { Complaint } from '../shared/complaints';
import type { Outgoing } from '../shared/outbox';
import type { PhotoProgress } from '../shared/photos';
import type { Store } from '../shared/store';
import type {
  AgentProfile,
  AgentStatus,
  Conversation,
  ConversationFlag,
  Message,
  Note,
  Phrase,
  Rating,
  ReadMarks,
  ShiftSummary,
  Suggestion,
} from '../shared/types';
import type { ConversationWithMessages } from './api';

export interface ChatEntry {
  conversation: Conversation;
  messages: Message[];
  draft: string;
  unread: number;
  shopperTyping: boolean;
  suggestions: Suggestion[];
  /** Staff-only notes, oldest first. */
  notes: Note[];
  /** The shopper's ratings of this chat's service rounds. */
  ratings: Rating[];
  /** How far the shopper (已读 under my messages) and I have read. */
  read: ReadMarks;
  /** Staff-only complaint records of this chat, oldest first. */
  complaints: Complaint[];
  /** Set when the chat is no longer an open chat of mine; it stays listed until dismissed. */
  ended: null | { kind: 'closed' | 'unassigned'; reason: string };
  /** The FAQ suggestion last inserted into the draft: a reply that still holds its text says
   * which entry it came from (the shopper's words are then proposed to that entry). */
  draftFaq?: { faq_id: string; text: string } | null;
}

/** A reply of mine that the server has not stored yet. */
export interface Reply extends Outgoing {
  conversation_id: number;
  /** The FAQ entry the reply was written from (an inserted suggestion). */
  faq_id?: string;
}

export interface VisitorHistory {
  loading: boolean;
  error: string | null;
  items: ConversationWithMessages[];
}

/** Which pane a narrow screen shows (views/Desk.tsx, narrow.css): on a phone one at a time, on a
 * tablet `side` opens the side panel as a drawer over the chat. Wide screens show all three. */
export type NarrowPane = 'list' | 'chat' | 'side';

export interface DeskState {
  agent: AgentProfile;
  connection: 'connecting' | 'online' | 'offline';
  status: AgentStatus;
  chats: Record<number, ChatEntry>;
  /** Chat ids in the order they became mine. */
  order: number[];
  queue: Conversation[];
  /** My replies not yet stored, all chats in one list: they are sent one at a time, in order. */
  outbox: Reply[];
  /** My photos uploading, by client_id (shared/photos.ts). */
  photos: Record<string, PhotoProgress>;
  activeId: number | null;
  muted: boolean;
  phrases: Phrase[];
  history: Record<number, VisitorHistory>;
  toast: string | null;
  /** Show only my chats with this flag (null: all). */
  flagFilter: ConversationFlag | null;
  pane: NarrowPane;
  /** Queue chats past their SLA warning that nobody has taken, and how often I was alerted. */
  escalated: number;
  escalationAlerts: number;
  /** The last `sla_warning` / `sla_breach`, shown for a few seconds (its own place, not the toast). */
  slaNotice: { text: string; state: 'warning' | 'breached' } | null;
  /** The end-of-shift dialog is open (going offline with open chats). */
  endingShift: boolean;
  /** Shift handover summaries left for my groups, not yet dismissed. */
  summaries: ShiftSummary[];
}

export type DeskStore = Store<DeskState>;

export function newChatEntry(
  conversation: Conversation,
  messages: Message[],
  notes: Note[] = [],
  ratings: Rating[] = [],
  read: ReadMarks = { visitor: 0, agent: 0 },
  complaints: Complaint[] = [],
): ChatEntry {
  return { conversation, messages, notes, ratings, read, complaints, draft: '', unread: 0, shopperTyping: false, suggestions: [], ended: null };
}

/** Change one chat; a chat that is gone (dismissed) is left alone. */
export function patchChat(store: DeskStore, id: number, patch: (c: ChatEntry) => Partial<ChatEntry>): void {
  store.set((s) => {
    const c = s.chats[id];
    if (!c) return {};
    return { chats: { ...s.chats, [id]: { ...c, ...patch(c) } } };
  });
}

