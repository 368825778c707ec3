// The supervisors' live view (/supervisor and GET /api/live, docs/protocol.md): the board, the
// audit record, the watch acknowledgement. The event names are in events.ts.
import type { AssignedPayload } from './events';
import type { AgentStatus, ConversationStatus, PersonRef, SlaInfo } from './types';

export interface LiveQueue {
  group: PersonRef | null;
  count: number;
  oldest_queued_at: string | null;
  longest_wait_s: number | null;
}

export interface LiveAgent {
  id: number;
  name: string;
  role: string;
  status: AgentStatus;
  connected: boolean;
  open_chats: number;
  max_chats: number;
  oldest_unanswered: { conversation_id: number; age_s: number } | null;
}

export interface LiveChat {
  id: number;
  status: ConversationStatus;
  priority: number;
  visitor: PersonRef;
  group: PersonRef | null;
  agent: PersonRef | null;
  queued_at: string | null;
  assigned_at: string | null;
  sla: SlaInfo;
}

/** `live` and GET /api/live: the shop as it stands at `as_of`. */
export interface LiveBoard {
  as_of: string;
  queues: LiveQueue[];
  agents: LiveAgent[];
  chats: LiveChat[];
}

export type AuditAction = 'reassign' | 'take_over' | 'watch' | 'unwatch';

/** `audit` and GET /api/live/audit: one supervisor action, stored. */
export interface AuditRecord {
  id: number;
  action: AuditAction;
  by: { id: number | null; name: string };
  conversation_id: number | null;
  target_agent: PersonRef | null;
  detail: Record<string, unknown>;
  created_at: string;
}

export interface WatchAck {
  chat: AssignedPayload;
  audit: AuditRecord;
}
