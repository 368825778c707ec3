// Complaints (投诉; docs/protocol.md, Complaint): the record's shape, its words and its limits.
// Staff only: nothing here is ever part of the shopper's widget.
import type { PersonRef } from './types';

export type ComplaintStatus = 'open' | 'resolved' | 'closed';
export type DemandKind = 'refund' | 'exchange' | 'compensation' | 'apology' | 'other';
export type ComplaintLevel = 0 | 1 | 2 | 3;

export interface ComplaintHistoryEvent {
  id: number;
  type: 'opened' | 'edited' | 'escalated' | 'resolved' | 'closed';
  by: { type: 'agent' | 'bot'; id: number | null; name: string };
  data: Record<string, unknown>;
  created_at: string;
}

export interface Complaint {
  id: number;
  conversation_id: number;
  conversation_status: string;
  visitor: PersonRef;
  agent: PersonRef | null;
  opened_by: 'agent' | 'auto';
  matter: string;
  demand: { kind: DemandKind | null; kind_name: string | null; text: string };
  handling: string;
  result: string;
  status: ComplaintStatus;
  status_name: string;
  level: ComplaintLevel;
  level_name: string;
  created_at: string;
  updated_at: string;
  escalated_at: string | null;
  ended_at: string | null;
  history: ComplaintHistoryEvent[];
}

/** `complaint_escalated`: to the shop's supervisors and admins. */
export interface ComplaintEscalatedPayload {
  complaint: Complaint;
  from_level: number;
  level: ComplaintLevel;
  level_name: string;
  by: PersonRef;
  reason: string;
}

export const LEVEL_NAMES: Record<ComplaintLevel, string> = { 0: '客服', 1: '组长', 2: '主管/经理', 3: '店长' };
export const TOP_LEVEL: ComplaintLevel = 3;
export const DEMAND_KINDS: Record<DemandKind, string> = {
  refund: '退款',
  exchange: '换货',
  compensation: '赔偿',
  apology: '道歉',
  other: '其他',
};
export const STATUS_NAMES: Record<ComplaintStatus, string> = { open: '处理中', resolved: '已解决', closed: '已关闭' };

export const MATTER_LIMIT = 1000;
export const DEMAND_TEXT_LIMIT = 500;
export const HANDLING_LIMIT = 2000;
export const RESULT_LIMIT = 1000;
export const ESCALATION_REASON_LIMIT = 200;

/** Merge by id, the copy changed last winning; oldest first. */
export function mergeComplaints(current: readonly Complaint[], incoming: readonly Complaint[]): Complaint[] {
  if (incoming.length === 0) return current as Complaint[];
  const byId = new Map<number, Complaint>();
  for (const c of current) byId.set(c.id, c);
  for (const c of incoming) {
    const known = byId.get(c.id);
    if (!known || Date.parse(c.updated_at) >= Date.parse(known.updated_at)) byId.set(c.id, c);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** The staff-only line a history event makes in the chat, or null for edits. */
export function historyLine(c: Complaint, e: ComplaintHistoryEvent): string | null {
  switch (e.type) {
    case 'opened':
      return e.by.type === 'bot' ? '顾客提出投诉，已自动登记投诉记录' : `${e.by.name} 登记了投诉`;
    case 'escalated':
      return `${e.by.name} 将投诉升级至${LEVEL_NAMES[(e.data.to as ComplaintLevel) ?? c.level] ?? ''}`;
    case 'resolved':
      return `${e.by.name} 已解决投诉`;
    case 'closed':
      return `${e.by.name} 已关闭投诉`;
    default:
      return null;
  }
}

export interface OpenComplaintPayload {
  conversation_id: number;
  matter: string;
  demand_kind?: DemandKind | null;
  demand_text?: string;
}

/** Absent fields are left as they are. */
export interface UpdateComplaintPayload {
  complaint_id: number;
  matter?: string;
  demand_kind?: DemandKind;
  demand_text?: string;
  handling?: string;
  result?: string;
}
