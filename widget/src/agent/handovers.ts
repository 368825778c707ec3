// Transfer (转接) and the end of a shift (交接): the colleagues and groups to choose from
// (GET /api/team), `transfer` and `end_shift` on /agent, and the shift summaries left for my
// groups (shown on login until I dismiss them). Not buffered while disconnected, like `accept`.
import { request } from '../shared/api';
import { AgentEvent, type EndShiftAck, type TransferPayload } from '../shared/events';
import { HANDOVER_NOTE_LIMIT, type Handover, type ShiftSummary } from '../shared/types';
import type { DeskConnection } from './connection';
import type { DeskStore } from './deskState';
import { errorText } from './errorText';

export interface TeamAgent {
  id: number;
  name: string;
  role: string;
  status: 'online' | 'away' | 'offline';
  connected: boolean;
  open_chats: number;
  max_chats: number;
  group_ids: number[];
}

export interface TeamGroup {
  id: number;
  name: string;
  topic: string | null;
  member_ids: number[];
}

export interface Team {
  agents: TeamAgent[];
  groups: TeamGroup[];
}

export type TransferTarget = { agent: number } | { group: number };

const TRANSFER_ERROR_TEXT: Record<string, string> = {
  empty_text: '请填写交接备注',
  text_too_long: `交接备注不能超过${HANDOVER_NOTE_LIMIT}字`,
};

/** A colleague who can take a chat now: a panel open, not offline, room under max_chats. */
export function canReceive(a: TeamAgent): boolean {
  return a.connected && a.status !== 'offline' && a.open_chats < a.max_chats;
}

interface Hooks {
  ready(): boolean;
  toast(text: string): void;
  unauthorized(): void;
  /** The chat left me (transferred): the list shows it ended. */
  ended(id: number, reason: string): void;
  /** The shift ended and the server set me offline. */
  wentOffline(): void;
}

export class DeskHandovers {
  constructor(
    private readonly store: DeskStore,
    private readonly conn: DeskConnection,
    private readonly token: string,
    private readonly hooks: Hooks,
  ) {}

  private async get<T>(path: string): Promise<T | null> {
    try {
      return await request<T>('GET', path, this.token);
    } catch (e) {
      if ((e as { status?: number }).status === 401) this.hooks.unauthorized();
      return null;
    }
  }

  async loadTeam(): Promise<Team | null> {
    return this.get<Team>('/api/team');
  }

  async transfer(id: number, target: TransferTarget, note: string): Promise<Handover | null> {
    const trimmed = note.trim();
    if (!trimmed || trimmed.length > HANDOVER_NOTE_LIMIT) {
      this.hooks.toast(TRANSFER_ERROR_TEXT[trimmed ? 'text_too_long' : 'empty_text']);
      return null;
    }
    if (!this.hooks.ready()) return null;
    const payload: TransferPayload =
      'agent' in target
        ? { conversation_id: id, to_agent_id: target.agent, note: trimmed }
        : { conversation_id: id, to_group_id: target.group, note: trimmed };
    const ack = await this.conn.request<{ handover: Handover }>(AgentEvent.transfer, payload);
    if (!ack.ok) {
      this.hooks.toast(TRANSFER_ERROR_TEXT[ack.error.code] ?? ack.error.message ?? errorText(ack.error.code));
      return null;
    }
    this.hooks.ended(id, 'transferred');
    const to = ack.handover.to_agent?.name ?? `${ack.handover.to_group?.name ?? ''}组`;
    this.hooks.toast(`已转接给 ${to}`);
    return ack.handover;
  }

  /** Ask for the handover notes before going offline (views/EndShiftDialog.tsx). */
  askEndShift(open: boolean): void {
    this.store.set({ endingShift: open });
  }

  async endShift(notes: Record<number, string>, summary: string): Promise<boolean> {
    if (!this.hooks.ready()) return false;
    const items = Object.entries(notes)
      .map(([id, note]) => ({ conversation_id: Number(id), note: note.trim() }))
      .filter((n) => n.note);
    const ack = await this.conn.request<EndShiftAck>(AgentEvent.endShift, { notes: items, summary: summary.trim() });
    if (!ack.ok) {
      this.hooks.toast(ack.error.code === 'empty_text' ? '请填写交接记录' : (ack.error.message ?? errorText(ack.error.code)));
      return false;
    }
    for (const id of ack.returned) this.hooks.ended(id, 'offline');
    this.store.set({ endingShift: false });
    this.hooks.wentOffline();
    this.hooks.toast('已交接并下线，会话已退回排队');
    return true;
  }

  async loadSummaries(): Promise<void> {
    const unread = await this.get<{ items: ShiftSummary[] }>('/api/shift-handovers/unread');
    if (unread) this.store.set({ summaries: unread.items });
  }

  async dismissSummary(id: number): Promise<void> {
    this.store.set((s) => ({ summaries: s.summaries.filter((x) => x.id !== id) }));
    try {
      await request('POST', `/api/shift-handovers/${id}/dismiss`, this.token);
    } catch {
      // Shown again on the next login: nothing is lost.
    }
  }
}
