// The objects of the event contract (docs/protocol.md), as the front end sees them.

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
  choices?: SuggestionChoice[];
  event?: string;
  image?: MessageImage;
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
  eta_s: number;
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
  visitor: PersonRef;
  agent: PersonRef | null;
  created_at: string;
  queued_at: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  closed_at: string | null;
  last_message: Message | null;
  handoff_reason: 'requested' | 'complaint' | 'bot_unsure' | 'photo' | null;
}

export interface AgentProfile {
  id: number;
  username: string;
  name: string;
  role: string;
  max_chats?: number;
  shop?: ShopRef;
  status?: AgentStatus;
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
  // produced by the client itself when no acknowledgement came back in time
  | 'timeout'
  | (string & {});

export interface AckError {
  ok: false;
  error: { code: ErrorCode; message: string };
}

export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** The longest text the server accepts in one message. */
export const TEXT_LIMIT = 2000;
