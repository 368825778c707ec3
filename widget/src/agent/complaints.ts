// Complaints (投诉) in the agent panel: merged into the desk's state from the server's events and
// acknowledgements, and the actions the side panel's complaint card calls (`complaint`,
// `complaint_update`, `complaint_escalate`, `complaint_resolve` on /agent). Not buffered while
// disconnected, like `accept`. Staff only: nothing here reaches the shopper.
import {
  mergeComplaints,
  type Complaint,
  type ComplaintEscalatedPayload,
  type ComplaintStatus,
} from '../shared/complaints';
import type { OpenComplaintPayload, UpdateComplaintPayload } from '../shared/complaints';
import { AgentEvent } from '../shared/events';
import type { Ack } from '../shared/types';
import type { DeskConnection } from './connection';
import { patchChat, type DeskStore } from './deskState';
import { errorText } from './errorText';

export function applyComplaint(store: DeskStore, c: Complaint): void {
  patchChat(store, c.conversation_id, (chat) => ({ complaints: mergeComplaints(chat.complaints, [c]) }));
}

/** The chat's open complaint at the highest level, for the list's badge and the chat header. */
export function openComplaint(complaints: readonly Complaint[]): Complaint | null {
  const open = complaints.filter((c) => c.status === 'open');
  return open.reduce<Complaint | null>((top, c) => (!top || c.level > top.level ? c : top), null);
}

export function escalatedToast(p: ComplaintEscalatedPayload): string {
  const reason = p.reason ? `：${p.reason}` : '';
  return `投诉升级至${p.level_name}：${p.by.name} 升级了顾客 ${p.complaint.visitor.name} 的投诉${reason}`;
}

export interface ComplaintHooks {
  /** Connected now; otherwise says so to the agent and returns false. */
  ready(): boolean;
  toast(text: string): void;
}

type ComplaintAck = Ack<{ complaint: Complaint }>;

export class ChatComplaints {
  constructor(
    private readonly store: DeskStore,
    private readonly conn: DeskConnection,
    private readonly hooks: ComplaintHooks,
  ) {}

  /** 「登记投诉」 from a chat; true once stored. */
  open(payload: OpenComplaintPayload): Promise<boolean> {
    return this.call(AgentEvent.openComplaint, payload);
  }

  update(payload: UpdateComplaintPayload): Promise<boolean> {
    return this.call(AgentEvent.updateComplaint, payload);
  }

  escalate(complaintId: number, level: number, reason: string): Promise<boolean> {
    return this.call(AgentEvent.escalateComplaint, { complaint_id: complaintId, level, reason });
  }

  settle(complaintId: number, status: Exclude<ComplaintStatus, 'open'>, result: string): Promise<boolean> {
    return this.call(AgentEvent.resolveComplaint, { complaint_id: complaintId, status, result });
  }

  private async call(event: string, payload: object): Promise<boolean> {
    if (!this.hooks.ready()) return false;
    const ack: ComplaintAck = await this.conn.request<{ complaint: Complaint }>(event, payload);
    if (!ack.ok) {
      // The server's words say exactly why (e.g. 客服只能逐级升级，不能越级).
      const precise = ack.error.code !== 'timeout' && ack.error.code !== 'unavailable';
      this.hooks.toast(precise && ack.error.message ? ack.error.message : errorText(ack.error.code));
      return false;
    }
    applyComplaint(this.store, ack.complaint);
    return true;
  }
}
