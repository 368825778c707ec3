// The agent panel's coordinator: builds the desk from its parts and offers the actions the views
// call. The parts, one concern each: connection.ts (the socket), chatSync.ts (server events, and
// the catch-up after a connect), replies.ts (the outbox of my replies), alerts.ts (chime, title),
// myStatus.ts (在线 / 忙碌 / 离线) and sidePanelData.ts (phrases and history over REST).
import { AgentEvent, type AssignedPayload, type DraftCheckAck } from '../shared/events';
import type { Outbox } from '../shared/outbox';
import { onExpiredPhotos } from '../shared/PhotoView';
import { PhotoSender, UPLOAD_PATH } from '../shared/photos';
import { Store } from '../shared/store';
import { renderTemplate } from '../shared/template';
import {
  TEXT_LIMIT,
  type Ack,
  type AgentProfile,
  type AgentStatus,
  type Block,
  type Conversation,
  type Phrase,
} from '../shared/types';
import { TypingSignal } from '../shared/typing';
import { DeskAlerts, savedMute } from './alerts';
import { ChatAnnotations } from './annotations';
import { blockErrorText, blockedToast, unblockedToast } from './blocking';
import { ChatSync } from './chatSync';
import { ChatComplaints, escalatedToast } from './complaints';
import { DeskHandovers } from './handovers';
import { DeskConnection } from './connection';
import { patchChat, type DeskState, type NarrowPane, type Reply } from './deskState';
import { errorText } from './errorText';
import { FocusReporter } from './focus';
import { MyStatus, initialStatus } from './myStatus';
import { ratedToast } from './ratings';
import { reportReads } from './readMarks';
import { replyOutbox } from './replies';
import { SidePanelData } from './sidePanelData';

const TOAST_MS = 4000;
/** A draft check that takes longer than this is given up: sending never waits on it for long. */
const CHECK_TIMEOUT_MS = 1500;

export class AgentDesk {
  readonly store: Store<DeskState>;
  private readonly alerts: DeskAlerts;
  private readonly sync: ChatSync;
  private readonly conn: DeskConnection;
  private readonly replies: Outbox<Reply>;
  private readonly photos: PhotoSender<Reply>;
  private readonly myStatus: MyStatus;
  private readonly sidePanel: SidePanelData;
  /** Private notes, the chat's flag and the list's filter by flag. */
  readonly annotations: ChatAnnotations;
  /** Complaint records (投诉) of my chats. */
  readonly complaints: ChatComplaints;
  /** Transfer, the end of a shift and the summaries left for my groups. */
  readonly handovers: DeskHandovers;
  private readonly typingSignals = new Map<number, TypingSignal>();
  private toastTimer: number | undefined;
  private readonly onVisibilityChange = () => this.markActiveRead();

  constructor(token: string, agent: AgentProfile, onUnauthorized: () => void) {
    this.store = new Store<DeskState>({
      agent,
      connection: 'connecting',
      status: initialStatus(agent),
      chats: {},
      order: [],
      queue: [],
      outbox: [],
      photos: {},
      activeId: null,
      muted: savedMute(),
      phrases: [],
      history: {},
      toast: null,
      flagFilter: null,
      pane: 'list',
      escalated: 0,
      escalationAlerts: 0,
      slaNotice: null,
      endingShift: false,
      summaries: [],
    });
    this.alerts = new DeskAlerts(this.store);
    this.sync = new ChatSync(this.store, token, {
      alert: () => this.alerts.chime(),
      stored: (messages) => this.replies.settle(messages),
      mayResume: () => void this.replies.flush(),
      unauthorized: onUnauthorized,
      rated: (p) => this.showToast(ratedToast(p, this.store.state.chats[p.conversation_id]?.conversation.visitor.name)),
      blocked: (b) => this.showToast(blockedToast(b)),
      unblocked: (p) => this.showToast(unblockedToast(p)),
      escalated: (p) => this.showToast(escalatedToast(p)),
      sla: (p) => this.alerts.slaAlert(p),
    });
    const focus = new FocusReporter(this.store);
    const hooks = {
      connected: () => {
        this.sync.begin();
        this.myStatus.reassert();
        focus.update();
      },
      disconnected: () => this.replies.requeue(),
      unauthorized: onUnauthorized,
      handshake: () => ({ focus: focus.handshake() }),
    };
    this.conn = new DeskConnection(token, this.store, hooks, this.sync);
    focus.start(this.conn);
    this.replies = replyOutbox(this.store, this.conn, () => this.sync.catchingUp, () => this.photos?.settle());
    this.photos = new PhotoSender<Reply>({
      outbox: this.replies,
      progress: this.store,
      uploadUrl: (reply) => `${UPLOAD_PATH}?conversation_id=${reply.conversation_id}`,
      authorization: () => `Bearer ${token}`,
      notice: (text) => this.showToast(text),
    });
    const toast = (text: string) => this.showToast(text);
    this.myStatus = new MyStatus(this.store, this.conn, token, { unauthorized: onUnauthorized, toast });
    this.sidePanel = new SidePanelData(this.store, token, onUnauthorized);
    this.annotations = new ChatAnnotations(this.store, this.conn, { ready: () => this.requireConnection(), toast });
    this.complaints = new ChatComplaints(this.store, this.conn, { ready: () => this.requireConnection(), toast });
    this.handovers = new DeskHandovers(this.store, this.conn, token, {
      ready: () => this.requireConnection(),
      toast,
      unauthorized: onUnauthorized,
      ended: (id, reason) => this.sync.end(id, 'unassigned', reason),
      wentOffline: () => void this.myStatus.choose('offline'),
    });
    void this.handovers.loadSummaries();
    void this.sidePanel.loadPhrases();
    onExpiredPhotos(() => {
      const id = this.store.state.activeId;
      if (id != null) this.sync.refresh(id);
    });
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    reportReads(this.store, this.conn);
  }

  disconnect(): void {
    this.conn.close();
    this.alerts.stop();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
  }

  // ---- the list --------------------------------------------------------------------------------

  open(id: number): void {
    this.store.set({ activeId: id, pane: 'chat' });
    this.markActiveRead();
  }

  /** On a narrow screen: show the list, the open chat or its side panel. */
  showPane(pane: NarrowPane): void {
    this.store.set({ pane });
  }

  /** Remove an ended chat from the list, with any reply that never went out. */
  dismiss(id: number): void {
    this.store.set((s) => {
      const chats = { ...s.chats };
      delete chats[id];
      const order = s.order.filter((x) => x !== id);
      const outbox = s.outbox.filter((r) => r.conversation_id !== id);
      const wasOpen = s.activeId === id;
      return { chats, order, outbox, activeId: wasOpen ? (order[0] ?? null) : s.activeId, pane: wasOpen ? 'list' : s.pane };
    });
  }

  private markActiveRead(): void {
    const id = this.store.state.activeId;
    if (id == null || document.hidden) return;
    if (this.store.state.chats[id]?.unread) patchChat(this.store, id, () => ({ unread: 0 }));
  }

  // ---- the composer ----------------------------------------------------------------------------

  setDraft(id: number, draft: string): void {
    patchChat(this.store, id, () => ({ draft }));
    this.typingSignal(id).input();
  }

  /** Insert a suggestion or a standard phrase into the chat's draft, its placeholders filled;
   * `faqId`: the FAQ entry an inserted suggestion is. */
  insert(id: number, text: string, faqId?: string): void {
    const filled = this.fillTemplate(text, this.store.state.chats[id]?.conversation);
    patchChat(this.store, id, (c) => ({
      draft: c.draft.trim() ? `${c.draft}${filled}` : filled,
      draftFaq: faqId ? { faq_id: faqId, text: filled.trim() } : c.draftFaq,
    }));
  }

  /** Standard phrases are templates (shared/template.ts): {agent} is my name, {shop} the
   * shop's, {shopper} the shopper's display name. */
  fillTemplate(text: string, conversation?: Conversation): string {
    const { agent } = this.store.state;
    const values: Record<string, string> = {
      agent: agent.name,
      shop: conversation?.shop.name ?? agent.shop?.name ?? '',
    };
    if (conversation) values.shopper = conversation.visitor.name;
    return renderTemplate(text, values);
  }

  /** The shop's phrases for what I typed after `/` in the reply box; null when it failed. */
  searchPhrases(query: string): Promise<Phrase[] | null> {
    return this.sidePanel.searchPhrases(query);
  }

  /** Send the chat's draft. Returns false when there was nothing to send. */
  send(id: number): boolean {
    const chat = this.store.state.chats[id];
    if (!chat || chat.ended) return false;
    const text = chat.draft.trim();
    if (!text) return false;
    if (text.length > TEXT_LIMIT) {
      this.showToast(errorText('text_too_long'));
      return false;
    }
    this.typingSignals.get(id)?.stop();
    // Sent from an FAQ suggestion (still holding its words): the server may learn from it.
    const fromFaq = chat.draftFaq && text.includes(chat.draftFaq.text) ? chat.draftFaq.faq_id : undefined;
    patchChat(this.store, id, () => ({ draft: '', draftFaq: null }));
    this.replies.add({ conversation_id: id, text, ...(fromFaq ? { faq_id: fromFaq } : {}) });
    return true;
  }

  /** The politeness check on a draft (the server's rules with the shop's lists). Never queued:
   * while disconnected it fails at once, and the reply is still checked when it is sent. */
  checkDraft(id: number, text: string): Promise<Ack<DraftCheckAck>> {
    if (!this.conn.connected) {
      return Promise.resolve({ ok: false, error: { code: 'timeout', message: 'disconnected' } });
    }
    return this.conn.request<DraftCheckAck>(AgentEvent.checkDraft, { conversation_id: id, text }, CHECK_TIMEOUT_MS);
  }

  /** A photo into the chat (picked, pasted or dropped): shown at once, uploaded, then sent. */
  sendPhoto(id: number, file: File): void {
    const chat = this.store.state.chats[id];
    if (!chat || chat.ended) return;
    this.typingSignals.get(id)?.stop();
    this.photos.add(file, { conversation_id: id });
  }

  retry(clientId: string): void {
    if (!this.photos.retry(clientId)) this.replies.retry(clientId);
  }

  /** Give up on a reply or photo that could not be sent. */
  remove(clientId: string): void {
    this.photos.remove(clientId);
  }

  private typingSignal(id: number): TypingSignal {
    let signal = this.typingSignals.get(id);
    if (!signal) {
      signal = new TypingSignal(
        (typing) => this.conn.signal(AgentEvent.sendTyping, { conversation_id: id, typing }),
        () => this.conn.connected,
      );
      this.typingSignals.set(id, signal);
    }
    return signal;
  }

  // ---- actions on the server -------------------------------------------------------------------

  /** Going offline with open chats asks for the handover first (交接). */
  setStatus(status: AgentStatus): Promise<void> {
    const s = this.store.state;
    if (status === 'offline' && s.order.some((id) => s.chats[id] && !s.chats[id].ended)) {
      this.handovers.askEndShift(true);
      return Promise.resolve();
    }
    return this.myStatus.choose(status);
  }

  /** Actions are not buffered while disconnected: a late `accept` would surprise the agent. */
  private requireConnection(): boolean {
    if (this.conn.connected) return true;
    this.showToast('连接已断开，正在重连，请稍后再试');
    return false;
  }

  async accept(id: number): Promise<void> {
    if (!this.requireConnection()) return;
    const ack = await this.conn.request<AssignedPayload>(AgentEvent.accept, { conversation_id: id });
    if (!ack.ok) {
      this.showToast(errorText(ack.error.code));
      return;
    }
    this.sync.assigned(ack);
    this.open(id);
  }

  /** Block the chat's shopper (拉黑); true once the server stored it. The chat ends with it. */
  async block(id: number, reason: string): Promise<boolean> {
    if (!this.requireConnection()) return false;
    const ack = await this.conn.request<{ block: Block }>(AgentEvent.block, { conversation_id: id, reason });
    if (!ack.ok) {
      this.showToast(blockErrorText(ack.error.code));
      return false;
    }
    this.sync.end(id, 'closed', 'blocked');
    this.showToast(`已拉黑顾客 ${ack.block.visitor.name}，会话已结束`);
    return true;
  }

  async close(id: number): Promise<void> {
    if (!this.requireConnection()) return;
    const ack = await this.conn.request(AgentEvent.close, { conversation_id: id });
    if (ack.ok) this.sync.end(id, 'closed', 'agent');
    else this.showToast(errorText(ack.error.code));
  }

  // ---- the rest --------------------------------------------------------------------------------

  setMuted(muted: boolean): void {
    this.alerts.setMuted(muted);
  }

  loadHistory(visitorId: number, force = false): Promise<void> {
    return this.sidePanel.loadHistory(visitorId, force);
  }

  showToast(text: string): void {
    window.clearTimeout(this.toastTimer);
    this.store.set({ toast: text });
    this.toastTimer = window.setTimeout(() => this.store.set({ toast: null }), TOAST_MS);
  }
}
