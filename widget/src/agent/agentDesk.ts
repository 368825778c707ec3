// The agent's side of the /agent namespace: the chats I own, the shop's waiting queue, drafts
// per chat and the outbox of my unacknowledged replies. After any reconnect the server re-sends
// `assigned` (with full history) for each open chat of mine and then `queue`; merging by message
// id makes that catch-up idempotent, and a chat of mine that was not re-sent has left me while I
// was away, so its real state is fetched over REST.
import { io, type Socket } from 'socket.io-client';
import { emitWithAck } from '../shared/ack';
import {
  AgentEvent,
  Namespace,
  SOCKET_PATH,
  SocketEvent,
  type AssignedPayload,
  type SuggestionsPayload,
} from '../shared/events';
import { isRetryable, mergeMessages, newClientId, settleOutbox, type Outgoing } from '../shared/messages';
import { Store, storage } from '../shared/store';
import {
  TEXT_LIMIT,
  type AgentProfile,
  type AgentStatus,
  type Conversation,
  type Message,
  type Phrase,
  type Suggestion,
} from '../shared/types';
import { ApiError, api, type ConversationWithMessages } from './api';
import { chime } from './sound';

export interface ChatEntry {
  conversation: Conversation;
  messages: Message[];
  outbox: Outgoing[];
  draft: string;
  unread: number;
  shopperTyping: boolean;
  suggestions: Suggestion[];
  /** Set when the chat is no longer an open chat of mine; it stays listed until dismissed. */
  ended: null | { kind: 'closed' | 'unassigned'; reason: string };
}

export interface VisitorHistory {
  loading: boolean;
  error: string | null;
  items: ConversationWithMessages[];
}

export interface DeskState {
  agent: AgentProfile;
  connection: 'connecting' | 'online' | 'offline';
  status: AgentStatus;
  chats: Record<number, ChatEntry>;
  /** Chat ids in the order they became mine. */
  order: number[];
  queue: Conversation[];
  activeId: number | null;
  muted: boolean;
  phrases: Phrase[];
  history: Record<number, VisitorHistory>;
  toast: string | null;
}

const ERROR_TEXT: Record<string, string> = {
  conflict: '该会话已被其他客服接入',
  forbidden: '无法操作：可能已达接待上限、不在线或会话已结束',
  not_found: '会话不存在',
  rate_limited: '发送太频繁，请稍后重试',
  unavailable: '服务暂时不可用，请稍后重试',
  timeout: '网络不稳定，请求超时',
  text_too_long: `消息不能超过${TEXT_LIMIT}字`,
  empty_text: '消息不能为空',
};

export function errorText(code: string | undefined): string {
  return ERROR_TEXT[code ?? ''] ?? '操作失败，请重试';
}

const MUTE_KEY = 'chatserver:agent:muted';
/** The status this agent last chose in this browser (per agent: several may share a browser). */
export const statusKey = (agentId: number) => `chatserver:agent:status:${agentId}`;
const CATCH_UP_DEADLINE_MS = 5000;
const TYPING_IDLE_MS = 3000;
const RATE_LIMIT_PAUSE_MS = 1500;
const SHOPPER_TYPING_EXPIRE_MS = 8000;

export class AgentDesk {
  readonly store: Store<DeskState>;
  private socket: Socket;
  /** Chats re-sent by the server since the last connect; null once catch-up has finished. */
  private catchUp: Set<number> | null = new Set();
  private firstConnect = true;
  private flushing = false;
  /** After `rate_limited`, sending waits until then. */
  private pausedUntil = 0;
  private queueIds = new Set<number>();
  private typingSent = new Map<number, number>();
  private shopperTypingTimers = new Map<number, number>();
  private toastTimer: number | undefined;

  constructor(
    private readonly token: string,
    agent: AgentProfile,
    private readonly onUnauthorized: () => void,
  ) {
    const savedStatus = storage.get(statusKey(agent.id)) as AgentStatus | null;
    this.store = new Store<DeskState>({
      agent,
      connection: 'connecting',
      // connecting turns `offline` into `online` and keeps `away` (docs/protocol.md)
      status: savedStatus ?? (agent.status === 'away' ? 'away' : 'online'),
      chats: {},
      order: [],
      queue: [],
      activeId: null,
      muted: storage.get(MUTE_KEY) === '1',
      phrases: [],
      history: {},
      toast: null,
    });
    this.socket = io(Namespace.agent, { path: SOCKET_PATH, auth: { token } });
    this.bind();
    void this.loadPhrases();
    document.addEventListener('visibilitychange', () => this.markActiveRead());
  }

  // ---- connection --------------------------------------------------------------------------

  private bind(): void {
    const sock = this.socket;
    sock.on(SocketEvent.connect, () => {
      const resent = new Set<number>();
      this.catchUp = resent;
      this.store.set({ connection: 'online' });
      // `queue` ends the catch-up; should it never come, do not hold the outbox forever
      window.setTimeout(() => {
        if (this.catchUp === resent) this.finishCatchUp(resent);
      }, CATCH_UP_DEADLINE_MS);
      // a status chosen in this browser is re-asserted, so the panel never shows a stale one
      const chosen = storage.get(statusKey(this.store.state.agent.id)) as AgentStatus | null;
      if (chosen) void this.setStatus(chosen);
      else void this.refreshStatus();
    });
    sock.on(SocketEvent.disconnect, (reason: string) => {
      this.store.set({ connection: 'offline' });
      this.requeueSending();
      if (reason === 'io server disconnect') void this.checkToken(); // logged out elsewhere?
    });
    sock.on(SocketEvent.connectError, () => {
      this.store.set({ connection: 'offline' });
      // refused by the server (not a network failure, which Socket.IO retries by itself)
      if (!sock.active) void this.checkToken();
    });

    sock.on(AgentEvent.assigned, (p: AssignedPayload) => this.onAssigned(p));
    sock.on(AgentEvent.queue, (p: { items: Conversation[] }) => this.onQueue(p.items ?? []));
    sock.on(AgentEvent.message, (m: Message) => this.onMessage(m));
    sock.on(AgentEvent.suggestions, (p: SuggestionsPayload) =>
      this.patchChat(p.conversation_id, () => ({ suggestions: p.items ?? [] })),
    );
    sock.on(AgentEvent.typing, (p: { conversation_id: number; typing: boolean }) =>
      this.setShopperTyping(p.conversation_id, !!p.typing),
    );
    sock.on(AgentEvent.closed, (p: { conversation_id: number; reason: string }) =>
      this.endChat(p.conversation_id, 'closed', p.reason),
    );
    sock.on(AgentEvent.unassigned, (p: { conversation_id: number; reason: string }) =>
      this.endChat(p.conversation_id, 'unassigned', p.reason),
    );
  }

  /** The socket was refused: a revoked token goes back to the login page, anything else retries. */
  private async checkToken(): Promise<void> {
    try {
      await api.me(this.token);
      window.setTimeout(() => this.socket.connect(), 2000);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
      else window.setTimeout(() => this.socket.connect(), 3000);
    }
  }

  /** Read my status as the server has it now (another tab or a supervisor may have changed it). */
  private async refreshStatus(): Promise<void> {
    try {
      const { agent } = await api.me(this.token);
      if (agent.status) this.store.set({ status: agent.status });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
    }
  }

  disconnect(): void {
    this.socket.disconnect();
  }

  // ---- server events -----------------------------------------------------------------------

  private onAssigned({ conversation, messages }: AssignedPayload): void {
    const id = conversation.id;
    const known = this.store.state.chats[id];
    this.catchUp?.add(id);
    const entry: ChatEntry = known
      ? {
          ...known,
          conversation,
          messages: mergeMessages(known.messages, messages ?? []),
          outbox: settleOutbox(known.outbox, messages ?? []),
          ended: null,
        }
      : {
          conversation,
          messages: mergeMessages([], messages ?? []),
          outbox: [],
          draft: '',
          unread: 0,
          shopperTyping: false,
          suggestions: [],
          ended: null,
        };
    this.store.set((s) => ({
      chats: { ...s.chats, [id]: entry },
      order: s.order.includes(id) ? s.order : [...s.order, id],
      queue: s.queue.filter((c) => c.id !== id),
      activeId: s.activeId ?? id,
    }));
    // a chat that is new to me (not a catch-up copy of one I had) deserves an alert
    if ((!known || known.ended) && !this.firstConnect) {
      this.patchChat(id, (c) => ({ unread: id === this.store.state.activeId && !document.hidden ? 0 : c.unread + 1 }));
      this.alert();
    }
    this.updateTitle();
    void this.flush();
  }

  private onQueue(items: Conversation[]): void {
    const fresh = items.filter((c) => !this.queueIds.has(c.id));
    this.queueIds = new Set(items.map((c) => c.id));
    this.store.set({ queue: items });
    if (fresh.length && !this.firstConnect && this.store.state.status !== 'offline') this.alert();
    if (this.catchUp) this.finishCatchUp(this.catchUp);
  }

  /** `queue` closes the catch-up after a connect: chats of mine that were not re-sent left me. */
  private finishCatchUp(resent: Set<number>): void {
    this.catchUp = null;
    this.firstConnect = false;
    const { chats } = this.store.state;
    for (const chat of Object.values(chats)) {
      const id = chat.conversation.id;
      if (chat.ended || resent.has(id)) continue;
      void api.conversation(this.token, id).then(
        ({ conversation, messages }) => {
          this.patchChat(id, (c) => ({ conversation, messages: mergeMessages(c.messages, messages) }));
          if (conversation.status === 'closed') this.endChat(id, 'closed', 'closed');
          else if (conversation.agent?.id !== this.store.state.agent.id) this.endChat(id, 'unassigned', 'disconnected');
        },
        (e) => {
          if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
          else this.endChat(id, 'unassigned', 'disconnected');
        },
      );
    }
    void this.flush();
  }

  private onMessage(m: Message): void {
    const chat = this.store.state.chats[m.conversation_id];
    if (!chat) return;
    const isNew = !chat.messages.some((x) => x.id === m.id);
    const seen = m.conversation_id === this.store.state.activeId && !document.hidden;
    this.patchChat(m.conversation_id, (c) => ({
      messages: mergeMessages(c.messages, [m]),
      outbox: settleOutbox(c.outbox, [m]),
      shopperTyping: m.sender === 'visitor' ? false : c.shopperTyping,
      unread: isNew && m.sender === 'visitor' && !seen ? c.unread + 1 : c.unread,
      conversation: { ...c.conversation, last_message: m },
    }));
    if (isNew && m.sender === 'visitor') {
      if (!seen) this.alert();
      this.updateTitle();
    }
  }

  private endChat(id: number, kind: 'closed' | 'unassigned', reason: string): void {
    if (!this.store.state.chats[id]) return;
    this.patchChat(id, (c) => ({
      ended: { kind, reason },
      shopperTyping: false,
      conversation: kind === 'closed' ? { ...c.conversation, status: 'closed' } : c.conversation,
    }));
  }

  private setShopperTyping(id: number, typing: boolean): void {
    window.clearTimeout(this.shopperTypingTimers.get(id));
    this.patchChat(id, () => ({ shopperTyping: typing }));
    if (typing)
      this.shopperTypingTimers.set(
        id,
        window.setTimeout(() => this.patchChat(id, () => ({ shopperTyping: false })), SHOPPER_TYPING_EXPIRE_MS),
      );
  }

  // ---- helpers -----------------------------------------------------------------------------

  private patchChat(id: number, patch: (c: ChatEntry) => Partial<ChatEntry>): void {
    this.store.set((s) => {
      const c = s.chats[id];
      if (!c) return {};
      return { chats: { ...s.chats, [id]: { ...c, ...patch(c) } } };
    });
  }

  private alert(): void {
    if (!this.store.state.muted) chime();
  }

  private updateTitle(): void {
    const unread = Object.values(this.store.state.chats).reduce((n, c) => n + c.unread, 0);
    document.title = unread ? `(${unread}) 客服工作台` : '客服工作台';
  }

  showToast(text: string): void {
    window.clearTimeout(this.toastTimer);
    this.store.set({ toast: text });
    this.toastTimer = window.setTimeout(() => this.store.set({ toast: null }), 4000);
  }

  private markActiveRead(): void {
    const id = this.store.state.activeId;
    if (id == null || document.hidden) return;
    if (this.store.state.chats[id]?.unread) this.patchChat(id, () => ({ unread: 0 }));
    this.updateTitle();
  }

  private requeueSending(): void {
    this.store.set((s) => {
      const chats = { ...s.chats };
      for (const [id, c] of Object.entries(chats)) {
        if (c.outbox.some((o) => o.state === 'sending'))
          chats[Number(id)] = { ...c, outbox: c.outbox.map((o) => (o.state === 'sending' ? { ...o, state: 'queued' } : o)) };
      }
      return { chats };
    });
  }

  // ---- actions -----------------------------------------------------------------------------

  open(id: number): void {
    this.store.set({ activeId: id });
    this.markActiveRead();
  }

  dismiss(id: number): void {
    this.store.set((s) => {
      const chats = { ...s.chats };
      delete chats[id];
      const order = s.order.filter((x) => x !== id);
      return { chats, order, activeId: s.activeId === id ? (order[0] ?? null) : s.activeId };
    });
    this.updateTitle();
  }

  setDraft(id: number, draft: string): void {
    this.patchChat(id, () => ({ draft }));
    this.typing(id);
  }

  /** Insert a suggestion or a standard phrase into the chat's draft, its placeholders filled. */
  insert(id: number, text: string): void {
    const filled = this.fillTemplate(text, this.store.state.chats[id]?.conversation);
    this.patchChat(id, (c) => ({ draft: c.draft.trim() ? `${c.draft}${filled}` : filled }));
  }

  /** Standard phrases are templates: {agent} is my name, {shop} the shop's (as in greetings). */
  fillTemplate(text: string, conversation?: Conversation): string {
    const { agent } = this.store.state;
    const shop = conversation?.shop.name ?? agent.shop?.name ?? '';
    return text.replace(/\{agent\}/g, agent.name).replace(/\{shop\}/g, shop);
  }

  setMuted(muted: boolean): void {
    storage.set(MUTE_KEY, muted ? '1' : '0');
    this.store.set({ muted });
  }

  /** Actions are not buffered while disconnected: a late `accept` would surprise the agent. */
  private requireConnection(): boolean {
    if (this.socket.connected) return true;
    this.showToast('连接已断开，正在重连，请稍后再试');
    return false;
  }

  async setStatus(status: AgentStatus): Promise<void> {
    storage.set(statusKey(this.store.state.agent.id), status);
    if (!this.socket.connected) {
      this.store.set({ status }); // asserted on the next connect
      return;
    }
    const previous = this.store.state.status;
    this.store.set({ status });
    const ack = await emitWithAck<{ status: AgentStatus }>(this.socket, AgentEvent.status, { status });
    if (ack.ok) this.store.set({ status: ack.status ?? status });
    else {
      this.store.set({ status: previous });
      this.showToast(errorText(ack.error.code));
    }
  }

  async accept(id: number): Promise<void> {
    if (!this.requireConnection()) return;
    const ack = await emitWithAck<AssignedPayload>(this.socket, AgentEvent.accept, { conversation_id: id });
    if (!ack.ok) {
      this.showToast(errorText(ack.error.code));
      return;
    }
    this.onAssigned({ conversation: ack.conversation, messages: ack.messages });
    this.open(id);
  }

  async close(id: number): Promise<void> {
    if (!this.requireConnection()) return;
    const ack = await emitWithAck(this.socket, AgentEvent.close, { conversation_id: id });
    if (ack.ok) this.endChat(id, 'closed', 'agent');
    else this.showToast(errorText(ack.error.code));
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
    this.stopTyping(id);
    const item: Outgoing = { client_id: newClientId(), text, state: 'queued', created_at: new Date().toISOString() };
    this.patchChat(id, (c) => ({ draft: '', outbox: [...c.outbox, item] }));
    void this.flush();
    return true;
  }

  retry(id: number, clientId: string): void {
    this.updateOutgoing(id, clientId, { state: 'queued', error: undefined });
    void this.flush();
  }

  private updateOutgoing(id: number, clientId: string, patch: Partial<Outgoing>): void {
    this.patchChat(id, (c) => ({ outbox: c.outbox.map((o) => (o.client_id === clientId ? { ...o, ...patch } : o)) }));
  }

  private nextQueued(): { id: number; item: Outgoing } | null {
    for (const c of Object.values(this.store.state.chats)) {
      if (c.ended) continue;
      const item = c.outbox.find((o) => o.state === 'queued');
      if (item) return { id: c.conversation.id, item };
    }
    return null;
  }

  /** Send queued replies one at a time (in order within each chat), only while connected. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        if (Date.now() < this.pausedUntil) return;
        if (!this.socket.connected || this.catchUp) return;
        const next = this.nextQueued();
        if (!next) return;
        await this.attempt(next.id, next.item);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async attempt(id: number, item: Outgoing): Promise<void> {
    this.updateOutgoing(id, item.client_id, { state: 'sending' });
    const ack = await emitWithAck<{ message: Message }>(this.socket, AgentEvent.send, {
      conversation_id: id,
      client_id: item.client_id,
      text: item.text,
    });
    if (ack.ok) {
      this.patchChat(id, (c) => ({
        messages: mergeMessages(c.messages, [ack.message]),
        outbox: c.outbox.filter((o) => o.client_id !== item.client_id),
        suggestions: [],
        conversation: { ...c.conversation, last_message: ack.message },
      }));
      return;
    }
    const current = this.store.state.chats[id]?.outbox.find((o) => o.client_id === item.client_id);
    if (!current || current.state !== 'sending') return;
    const code = ack.error.code;
    if (code === 'rate_limited') {
      // not stored: wait a little and resend with the same client_id, without bothering anyone
      this.updateOutgoing(id, item.client_id, { state: 'queued' });
      this.pausedUntil = Date.now() + RATE_LIMIT_PAUSE_MS;
      window.setTimeout(() => void this.flush(), RATE_LIMIT_PAUSE_MS);
      return;
    }
    if (!this.socket.connected && isRetryable(code)) this.updateOutgoing(id, item.client_id, { state: 'queued' });
    else this.updateOutgoing(id, item.client_id, { state: 'failed', error: code });
  }

  private typing(id: number): void {
    if (!this.socket.connected) return;
    if (!this.typingSent.has(id)) this.socket.emit(AgentEvent.sendTyping, { conversation_id: id, typing: true }, () => undefined);
    window.clearTimeout(this.typingSent.get(id));
    this.typingSent.set(id, window.setTimeout(() => this.stopTyping(id), TYPING_IDLE_MS));
  }

  private stopTyping(id: number): void {
    const timer = this.typingSent.get(id);
    if (timer === undefined) return;
    window.clearTimeout(timer);
    this.typingSent.delete(id);
    if (this.socket.connected) this.socket.emit(AgentEvent.sendTyping, { conversation_id: id, typing: false }, () => undefined);
  }

  // ---- REST data ---------------------------------------------------------------------------

  private async loadPhrases(): Promise<void> {
    try {
      const { items } = await api.phrases(this.token);
      this.store.set({ phrases: items ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
    }
  }

  async loadHistory(visitorId: number, force = false): Promise<void> {
    const have = this.store.state.history[visitorId];
    if (have && !force && (have.loading || !have.error)) return;
    const put = (h: VisitorHistory) => this.store.set((s) => ({ history: { ...s.history, [visitorId]: h } }));
    put({ loading: true, error: null, items: have?.items ?? [] });
    try {
      const { items } = await api.visitorConversations(this.token, visitorId);
      put({ loading: false, error: null, items: items ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
      put({ loading: false, error: '历史记录加载失败', items: [] });
    }
  }
}
