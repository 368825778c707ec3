// Getting the agent's attention: the chime (sound.ts) unless muted, a choice kept in this browser,
// and the unread count in the tab title, "(N) 客服工作台", which follows the store by itself.
// Shoppers left in the queue past their SLA warning are escalated: the title says so and the
// chime repeats every REPEAT_MS until someone takes them (the banner is views/EscalationBanner).
import type { SlaAlertPayload } from '../shared/events';
import { storage } from '../shared/store';
import type { DeskState, DeskStore } from './deskState';
import { escalatedQueue, slaAlertText } from './sla';
import { chime } from './sound';

const MUTE_KEY = 'chatserver:agent:muted';
export const DESK_TITLE = '客服工作台';
const REPEAT_MS = 15_000;
const CHECK_MS = 1000;
const SLA_NOTICE_MS = 8000;

export function savedMute(): boolean {
  return storage.get(MUTE_KEY) === '1';
}

function titleFor(s: DeskState): string {
  const unread = Object.values(s.chats).reduce((n, c) => n + c.unread, 0);
  const title = unread ? `(${unread}) ${DESK_TITLE}` : DESK_TITLE;
  return s.escalated ? `【${s.escalated}位顾客待接入】${title}` : title;
}

export class DeskAlerts {
  private readonly unsubscribe: () => void;
  private readonly escalationTimer: number;
  private lastRepeat = 0;
  private slaNoticeTimer: number | undefined;

  constructor(private readonly store: DeskStore) {
    let shown = document.title;
    this.unsubscribe = store.subscribe(() => {
      const title = titleFor(store.state);
      if (title !== shown) document.title = shown = title;
    });
    this.escalationTimer = window.setInterval(() => this.checkEscalation(Date.now()), CHECK_MS);
  }

  /** `sla_warning` / `sla_breach`: a notice of its own for a while, and the chime. */
  slaAlert(p: SlaAlertPayload): void {
    window.clearTimeout(this.slaNoticeTimer);
    this.store.set({ slaNotice: { text: slaAlertText(p), state: p.state } });
    this.slaNoticeTimer = window.setTimeout(() => this.store.set({ slaNotice: null }), SLA_NOTICE_MS);
    this.chime();
  }

  /** Escalated queue chats: alert now, and again every REPEAT_MS while any is left. */
  private checkEscalation(now: number): void {
    const s = this.store.state;
    const escalated = escalatedQueue(s.queue, now).length;
    if (!escalated) {
      this.lastRepeat = 0;
      if (s.escalated || s.escalationAlerts) this.store.set({ escalated: 0, escalationAlerts: 0 });
      return;
    }
    if (escalated !== s.escalated) this.store.set({ escalated });
    if (now - this.lastRepeat < REPEAT_MS) return;
    this.lastRepeat = now;
    this.store.set({ escalationAlerts: s.escalationAlerts + 1 });
    if (s.status !== 'offline') this.chime();
  }

  chime(): void {
    if (!this.store.state.muted) chime();
  }

  setMuted(muted: boolean): void {
    storage.set(MUTE_KEY, muted ? '1' : '0');
    this.store.set({ muted });
  }

  /** The desk is closing (logout): the title is no longer ours. */
  stop(): void {
    this.unsubscribe();
    window.clearInterval(this.escalationTimer);
    window.clearTimeout(this.slaNoticeTimer);
  }
}
