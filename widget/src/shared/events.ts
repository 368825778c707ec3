// The Socket.IO event names and payloads of docs/protocol.md: the one place in the front end
// where they are spelled. The server's twin is chatserver/realtime/events.py.
import type {
  Ack,
  AgentStatus,
  Block,
  Conversation,
  ConversationFlag,
  LeaveMessageOffer,
  ConversationStatus,
  Handover,
  Message,
  Note,
  PersonRef,
  PolitenessFinding,
  QueueInfo,
  Rating,
  ReadMarks,
  RatingPrompt,
  SlaKind,
  ShiftSummary,
  Suggestion,
} from './types';
import type { ShopperContext, WidgetSettings } from './shopperContext';
import type { Complaint, ComplaintEscalatedPayload, ComplaintStatus } from './complaints';
import type { OpenComplaintPayload, UpdateComplaintPayload } from './complaints';

export const SOCKET_PATH = '/socket.io/';

export const Namespace = {
  visitor: '/visitor',
  agent: '/agent',
  supervisor: '/supervisor',
} as const;

/** Events on the /visitor namespace. */
export const VisitorEvent = {
  // server → shopper
  session: 'session',
  message: 'message',
  messageUpdated: 'message_updated',
  queue: 'queue',
  assigned: 'assigned',
  typing: 'typing',
  closed: 'closed',
  rated: 'rated',
  read: 'read',
  // shopper → server
  send: 'message',
  handoff: 'handoff',
  sendTyping: 'typing',
  rate: 'rate',
  sendRead: 'read',
  leaveMessage: 'leave_message',
  identify: 'identify',
  context: 'context',
  prechat: 'prechat',
} as const;

/** Events on the /agent namespace. */
export const AgentEvent = {
  // server → agent
  queue: 'queue',
  assigned: 'assigned',
  message: 'message',
  messageUpdated: 'message_updated',
  suggestions: 'suggestions',
  typing: 'typing',
  closed: 'closed',
  unassigned: 'unassigned',
  note: 'note',
  flag: 'flag',
  rated: 'rated',
  read: 'read',
  blocked: 'blocked',
  unblocked: 'unblocked',
  complaint: 'complaint',
  complaintEscalated: 'complaint_escalated',
  slaWarning: 'sla_warning',
  slaBreach: 'sla_breach',
  visitorContext: 'visitor_context',
  // agent → server
  status: 'status',
  accept: 'accept',
  send: 'message',
  close: 'close',
  sendTyping: 'typing',
  addNote: 'note',
  setFlag: 'flag',
  checkDraft: 'check_draft',
  focus: 'focus',
  sendRead: 'read',
  block: 'block',
  openComplaint: 'complaint',
  updateComplaint: 'complaint_update',
  escalateComplaint: 'complaint_escalate',
  resolveComplaint: 'complaint_resolve',
  transfer: 'transfer',
  endShift: 'end_shift',
} as const;

/** Events on the /supervisor namespace (the admin console's live view). */
export const SupervisorEvent = {
  // server → supervisor
  live: 'live',
  audit: 'audit',
  message: 'message',
  // supervisor → server
  reassign: 'reassign',
  takeOver: 'take_over',
  watch: 'watch',
  unwatch: 'unwatch',
} as const;

/** Socket.IO's own events, named here so no module spells them by hand. */
export const SocketEvent = {
  connect: 'connect',
  disconnect: 'disconnect',
  connectError: 'connect_error',
} as const;

// ---- payloads ------------------------------------------------------------------------------

export interface SessionPayload {
  token: string;
  conversation_id: number;
  status: ConversationStatus;
  messages: Message[];
  agent?: PersonRef | null;
  queue?: QueueInfo | null;
  shop?: { slug: string; name: string };
  visitor?: { id: number; name: string; customer_id?: string | null };
  rating?: RatingPrompt;
  read?: ReadMarks;
  /** The shop's pre-chat fields and invitation, and whether this shopper has answered. */
  widget?: WidgetSettings;
  prechat_done?: boolean;
  /** The credential of a photo upload (`Authorization: Visitor <upload_token>`). */
  upload_token?: string;
  /** Present when the handshake carried `auth.identity`: accepted, or why it was refused. */
  identity?: { ok: true; customer_id: string } | { ok: false; error: { code: string; message: string } };
}

export interface VisitorSendPayload {
  client_id: string;
  text: string;
  faq_id?: string;
  /** A photo uploaded before with POST /api/uploads. */
  kind?: 'text' | 'image';
  attachment_id?: string;
}

export interface HandoffAck {
  queue: QueueInfo | null;
  status?: ConversationStatus;
  /** Nobody can answer now: the 留言 offer (the bot's line carries it too). */
  leave_message?: LeaveMessageOffer;
}

/** `leave_message` (留言): the form's fields; the server checks each and names the one at fault. */
export interface LeaveMessagePayload {
  client_id: string;
  text: string;
  phone?: string;
  order_no?: string;
}

export interface AssignedPayload {
  conversation: Conversation;
  messages: Message[];
  /** Staff-only notes, oldest first. */
  notes?: Note[];
  ratings?: Rating[];
  read?: ReadMarks;
  /** Staff-only complaint records, oldest first. */
  complaints?: Complaint[];
}

/** `read`: the other side has read the conversation up to `seq`. */
export interface ReadPayload {
  conversation_id: number;
  seq: number;
  by: 'visitor' | 'agent';
}

export interface ClosedPayload {
  reason: string;
  rating?: RatingPrompt;
}

export interface RatePayload {
  score: number;
  comment?: string;
}

/** `rated`: to the agent who served the round, and to the shopper's other tabs. */
export interface RatedPayload {
  conversation_id: number;
  score: number;
  comment: string | null;
  rating: Rating;
}

/** `visitor_context` (staff only): where the shopper is now (docs/protocol.md). */
export interface VisitorContextPayload {
  conversation_id: number;
  visitor_id: number;
  context: ShopperContext;
}

/** A conversation's flag changed (server → agents), or the ack of `flag` (without `by`). */
export interface FlagPayload {
  conversation_id: number;
  flag: ConversationFlag | null;
  flag_changed_at: string | null;
  by?: PersonRef;
}

export interface SuggestionsPayload {
  conversation_id: number;
  items: Suggestion[];
}

export interface AgentSendPayload {
  conversation_id: number;
  client_id: string;
  text: string;
  kind?: 'text' | 'image';
  attachment_id?: string;
  /** The FAQ entry the reply was written from (an inserted suggestion). */
  faq_id?: string;
}

export interface DraftCheckPayload {
  conversation_id?: number;
  text: string;
}

/** The politeness check on a draft: what is wrong, and the whole draft said politely. */
export interface DraftCheckAck {
  findings: PolitenessFinding[];
  rewrite: string;
}

export interface VisitorServerEvents {
  session: (p: SessionPayload) => void;
  message: (m: Message) => void;
  message_updated: (m: Message) => void;
  queue: (q: QueueInfo) => void;
  assigned: (p: { agent: PersonRef }) => void;
  typing: (p: { typing: boolean; name?: string }) => void;
  closed: (p: ClosedPayload) => void;
  rated: (p: RatedPayload) => void;
  read: (p: ReadPayload) => void;
}

export interface VisitorClientEvents {
  message: (p: VisitorSendPayload, ack: (a: Ack<{ message: Message }>) => void) => void;
  handoff: (p: Record<string, never>, ack: (a: Ack<HandoffAck>) => void) => void;
  typing: (p: { typing: boolean }, ack: (a: Ack) => void) => void;
  rate: (p: RatePayload, ack: (a: Ack<{ rating: Rating }>) => void) => void;
  read: (p: { seq: number }, ack: (a: Ack<{ seq: number }>) => void) => void;
}

export interface AgentServerEvents {
  queue: (p: { items: Conversation[] }) => void;
  assigned: (p: AssignedPayload) => void;
  message: (m: Message) => void;
  message_updated: (m: Message) => void;
  suggestions: (p: SuggestionsPayload) => void;
  typing: (p: { conversation_id: number; typing: boolean }) => void;
  closed: (p: { conversation_id: number; reason: string }) => void;
  unassigned: (p: { conversation_id: number; reason: string }) => void;
  note: (n: Note) => void;
  flag: (p: FlagPayload) => void;
  rated: (p: RatedPayload) => void;
  read: (p: ReadPayload) => void;
  blocked: (b: Block) => void;
  unblocked: (p: UnblockedPayload) => void;
  complaint: (c: Complaint) => void;
  complaint_escalated: (p: ComplaintEscalatedPayload) => void;
  sla_warning: (p: SlaAlertPayload) => void;
  sla_breach: (p: SlaAlertPayload) => void;
  visitor_context: (p: VisitorContextPayload) => void;
}

export interface AgentClientEvents {
  status: (p: { status: AgentStatus }, ack: (a: Ack<{ status: AgentStatus }>) => void) => void;
  accept: (p: { conversation_id: number }, ack: (a: Ack<AssignedPayload>) => void) => void;
  message: (p: AgentSendPayload, ack: (a: Ack<{ message: Message }>) => void) => void;
  close: (p: { conversation_id: number }, ack: (a: Ack) => void) => void;
  typing: (p: { conversation_id: number; typing: boolean }, ack: (a: Ack) => void) => void;
  note: (p: { conversation_id: number; text: string }, ack: (a: Ack<{ note: Note }>) => void) => void;
  flag: (p: { conversation_id: number; flag: ConversationFlag | null }, ack: (a: Ack<FlagPayload>) => void) => void;
  check_draft: (p: DraftCheckPayload, ack: (a: Ack<DraftCheckAck>) => void) => void;
  focus: (p: { conversation_id: number | null }, ack: (a: Ack<{ conversation_id: number | null }>) => void) => void;
  read: (p: { conversation_id: number; seq: number }, ack: (a: Ack<{ seq: number }>) => void) => void;
  block: (p: { conversation_id: number; reason: string }, ack: (a: Ack<{ block: Block }>) => void) => void;
  complaint: (p: OpenComplaintPayload, ack: (a: Ack<{ complaint: Complaint }>) => void) => void;
  complaint_update: (p: UpdateComplaintPayload, ack: (a: Ack<{ complaint: Complaint }>) => void) => void;
  complaint_escalate: (p: { complaint_id: number; level: number; reason?: string }, ack: (a: Ack<{ complaint: Complaint }>) => void) => void;
  complaint_resolve: (
    p: { complaint_id: number; status: Exclude<ComplaintStatus, 'open'>; result: string },
    ack: (a: Ack<{ complaint: Complaint }>) => void,
  ) => void;
  transfer: (p: TransferPayload, ack: (a: Ack<{ conversation_id: number; handover: Handover }>) => void) => void;
  end_shift: (p: EndShiftPayload, ack: (a: Ack<EndShiftAck>) => void) => void;
}

/** `transfer`: to one colleague or back to a group's queue, with the note they read first. */
export interface TransferPayload {
  conversation_id: number;
  to_agent_id?: number;
  to_group_id?: number;
  note: string;
}

export interface EndShiftPayload {
  notes: { conversation_id: number; note: string }[];
  summary: string;
}

export interface EndShiftAck {
  status: AgentStatus;
  summary: ShiftSummary;
  returned: number[];
}

/** `unblocked` on /agent: a supervisor lifted block `id`. */
export interface UnblockedPayload {
  id: number;
  conversation_id: number;
  visitor_id: number;
  by: { id: number; name: string };
}

/** `sla_warning` (to the owner, or the group while queued) and `sla_breach` (to supervisors). */
export interface SlaAlertPayload {
  conversation_id: number;
  kind: SlaKind;
  state: 'warning' | 'breached';
  target_s: number;
  elapsed_s: number;
  started_at: string;
  group_id: number | null;
  status: ConversationStatus;
  agent: PersonRef | null;
  visitor: PersonRef;
}
