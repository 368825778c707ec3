// The objects of the event contract (docs/protocol.md), as the front end sees them.
import type { OrderCard, ProductCard, VisitorRef } from './shopperContext';

export type Sender = 'visitor' | 'bot' | 'agent' | 'system';
export type MessageKind = 'text' | 'suggestions' | 'event' | 'image' | (string & {});
export type ConversationStatus = 'bot' | 'queued' | 'assigned' | 'closed';
export type AgentStatus = 'online' | 'away' | 'offline';

export interface SuggestionChoice {
  faq_id: string;
  question: string;
}

/** A photo in a message (`kind: "image"`): URLs signed by the server, valid for about an hour. */
export interface MessageImage {
  url: string;
  thumb_url: string;
  width: number;
  height: number;
  thumb_width?: number;
  thumb_height?: number;
}

export interface MessageMeta {
  card?: ProductCard | OrderCard;
  choices?: SuggestionChoice[];
  event?: string;
  image?: MessageImage;
  leave_message_offer?: LeaveMessageOffer;
  /** A shopper's 留言: the contact details it came with. */
  leave_message?: { phone: string | null; order_no: string | null };
  [key: string]: unknown;
}

export interface Message {
  id: number;
  conversation_id: number;
  seq: number;
  sender: Sender;
  sender_name: string | null;
  text: string;
  kind: MessageKind;
  client_id: string | null;
  created_at: string;
  meta?: MessageMeta | null;
}

export interface QueueInfo {
  position: number;
  /** null when no estimate can honestly be given (nobody online). */
  eta_s: number | null;
  agents_online?: number;
}

/** 留言: why nobody can answer now, and when people are back (`meta.leave_message_offer`). */
export interface LeaveMessageOffer {
  reason: 'closed' | 'nobody_online';
  back_at: string | null;
  /** 「明天 09:00」 in the shop's time zone. */
  back_text: string | null;
}

export interface PersonRef {
  id: number;
  name: string;
}

export interface ShopRef {
  id?: number;
  slug: string;
  name: string;
}

export interface Conversation {
  id: number;
  shop: ShopRef;
  status: ConversationStatus;
  priority: number;
  visitor: VisitorRef;
  agent: PersonRef | null;
  created_at: string;
  queued_at: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  closed_at: string | null;
  last_message: Message | null;
  handoff_reason: 'requested' | 'complaint' | 'bot_unsure' | 'photo' | 'leave_message' | null;
  /** Staff only: the coloured flag, and when it was last set or cleared. */
  flag?: ConversationFlag | null;
  flag_changed_at?: string | null;
  /** The SLA policy and the clocks running as of `as_of` (staff only). */
  sla?: SlaInfo;
  /** Staff only: the group serving the chat (售前, 售后 …) and the note it was handed over with. */
  group?: GroupRef | null;
  handover?: Handover | null;
}

export type SlaKind = 'first_response' | 'next_response' | 'resolution';
export type SlaState = 'ok' | 'warning' | 'breached';

export interface SlaPolicy {
  first_response_s: number;
  next_response_s: number;
  resolution_s: number;
  warn_percent: number;
  business_hours_only: boolean;
}

/** One running clock: `elapsed_s` counted at `as_of` (paused while `running` is false). */
export interface SlaClock {
  kind: SlaKind;
  started_at: string;
  target_s: number;
  warn_s: number;
  elapsed_s: number;
  running: boolean;
  state: SlaState;
  as_of: string;
}

/** GET /api/sla/policies: the shop's policy and each group's (its own, or the defaults). */
export interface SlaPolicyPage {
  shop: SlaPolicy & { reassign_after_s: number | null; custom: boolean };
  groups: { group: { id: number; name: string; topic: string | null }; custom: boolean; policy: SlaPolicy }[];
  defaults: SlaPolicy;
}

export interface SlaInfo {
  policy: SlaPolicy;
  state: SlaState | null;
  clocks: SlaClock[];
}

export interface GroupRef {
  id: number;
  name: string;
  topic?: 'presales' | 'aftersales' | null;
}

/** A chat handed on with a note: a transfer, an agent's end of shift, or the automatic note. */
export interface Handover {
  id: number;
  kind: 'transfer' | 'shift' | 'auto';
  from: { id: number | null; name: string };
  to_agent: PersonRef | null;
  to_group: GroupRef | null;
  note: string;
  created_at: string;
}

/** 交接记录: what an agent ending a shift left for the next one. */
export interface ShiftSummary {
  id: number;
  author: { id: number | null; name: string };
  text: string;
  conversation_ids: number[];
  groups: GroupRef[];
  created_at: string;
}

export const HANDOVER_NOTE_LIMIT = 500;
export const SHIFT_SUMMARY_LIMIT = 2000;

/** The shop manuals' order flags: red 常规, yellow 特殊配送, green 延迟发货, blue 赠品或退款, purple 其他. */
/** Read state (已读): the highest seq each side has seen. */
export interface ReadMarks {
  visitor: number;
  agent: number;
}

export type ConversationFlag = 'red' | 'yellow' | 'green' | 'blue' | 'purple';

/** A shopper on the shop's block list (拒访客户清单). */
export interface Block {
  id: number;
  conversation_id: number;
  visitor: { id: number; name: string };
  reason: string;
  blocked_by: { id: number | null; name: string };
  created_at: string;
}

/** A private note on a conversation: staff read it, the shopper never does. */
export interface Note {
  id: number;
  conversation_id: number;
  author: { id: number | null; name: string };
  text: string;
  created_at: string;
}

/** A shopper's rating of one service round (满意度); `round` is the closing it rates. */
export interface Rating {
  id: number;
  conversation_id: number;
  round: number;
  agent: PersonRef | null;
  score: number;
  comment: string | null;
  created_at: string;
}

/** Whether the shopper is asked to rate now (`closed.rating`, `session.rating`). */
export interface RatingPrompt {
  requested: boolean;
  round?: number;
  agent?: PersonRef | null;
}

export interface AgentProfile {
  id: number;
  username: string;
  name: string;
  role: string;
  max_chats?: number;
  shop?: ShopRef;
  status?: AgentStatus;
  groups?: GroupRef[];
}

export interface Suggestion {
  kind: 'faq' | 'phrase';
  id: string | number;
  title?: string;
  text: string;
  score?: number;
}

export interface Phrase {
  id: number | string;
  title: string;
  text: string;
  category?: string | null;
  /** Typed after `/` in the agent's reply box (lower case), or none. */
  shortcut?: string | null;
}

/** One FAQ entry as the editors see it (GET /api/faq). */
export interface FaqEntry {
  id: number;
  key: string | null;
  question: string;
  similar: string[];
  answer: string;
  category: string;
  enabled: boolean;
  updated_at: string;
}

/** What the bot would do with a question now (POST /api/faq/try). */
export interface FaqTryResult {
  query: string;
  confident: boolean;
  matches: { id: number | string; question: string; score: number }[];
}

/** The shop's editable settings (GET /api/shop). */
export interface ShopSettings {
  slug: string;
  name: string;
  greeting_template: string;
  farewell_template: string;
}

// ---- the politeness check (docs/protocol.md, "Politeness check") ------------------------------

export type PolitenessKind = 'pronoun' | 'address' | 'slang' | 'arguing' | 'bare_refusal';

/** One thing the check found; start/end index the checked text (UTF-16, as JS counts). */
export interface PolitenessFinding {
  kind: PolitenessKind;
  start: number;
  end: number;
  text: string;
  /** What the rewrite says instead: "" = left out, null = nothing automatic. */
  suggestion: string | null;
  explanation: string;
}

/** A finding about a saved FAQ answer or phrase, with the field it is in. */
export interface PolitenessWarning extends PolitenessFinding {
  field: string;
}

export interface PolitenessTerm {
  word: string;
  replacement: string | null;
}

export interface PolitenessWords {
  address: string[];
  slang: PolitenessTerm[];
  arguing: PolitenessTerm[];
  refusal: PolitenessTerm[];
  keep: string[];
}

export type PolitenessCategory = keyof PolitenessWords;

/** GET /api/politeness: the shop's effective lists, which of them are its own, the defaults. */
export interface PolitenessSettings {
  words: PolitenessWords;
  custom: PolitenessCategory[];
  defaults: PolitenessWords;
}

export type ErrorCode =
  | 'invalid_payload'
  | 'empty_text'
  | 'text_too_long'
  | 'not_found'
  | 'forbidden'
  | 'rate_limited'
  | 'conflict'
  | 'unavailable'
  | 'unauthorized'
  | 'too_large'
  | 'unsupported_media'
  | 'identity_refused'
  | 'prechat_required'
  // produced by the client itself when no acknowledgement came back in time
  | 'timeout'
  | (string & {});

export interface AckError {
  ok: false;
  /** `field`: the request field at fault, when there is one (forms show it beside the field). */
  error: { code: ErrorCode; message: string; field?: string };
}

export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** The longest text the server accepts in one message. */
export const TEXT_LIMIT = 2000;
/** The longest private note the server accepts. */
export const NOTE_LIMIT = 1000;
/** The longest reason for blocking a shopper (docs/protocol.md, Block). */
export const BLOCK_REASON_LIMIT = 200;

/** The longest comment the server accepts with a rating. */
export const COMMENT_LIMIT = 500;

/** The words of the satisfaction scores (docs/protocol.md, Rating); 4 and 5 count as satisfied. */
export const SCORE_LABELS: Record<number, string> = {
  1: '非常不满意',
  2: '不满意',
  3: '一般',
  4: '满意',
  5: '非常满意',
};
