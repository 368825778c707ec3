// The shopper's side of the /visitor namespace: one connection, the conversation it resumes,
// and the outbox (shared/outbox.ts) of messages typed but not yet stored by the server. The outbox
// is kept in localStorage, so a reload while offline loses nothing; it is sent after each
// `session`, when the server has told us where the conversation stands.
import { io, type Socket } from 'socket.io-client';
import { emitWithAck } from '../shared/ack';
import {
  Namespace,
  SOCKET_PATH,
  SocketEvent,
  VisitorEvent,
  type ClosedPayload,
  type RatedPayload,
  type ReadPayload,
  type SessionPayload,
} from '../shared/events';
import { mergeMessages, replaceMessage } from '../shared/messages';
import { Outbox, type Outgoing } from '../shared/outbox';
import { PhotoSender, UPLOAD_PATH, type PhotoProgress } from '../shared/photos';
import { ReadReporter } from '../shared/readState';
import { Store } from '../shared/store';
import { TypingSignal } from '../shared/typing';
import { HostBridge } from './hostBridge';
import { SavedChat } from './savedChat';
import { ShopperRating } from './rating';
import { ERROR_TEXT } from './errorText';
import { ShopperLeaveMessage } from './leaveMessage';
import { requestHandoff } from './handoff';
import { TEXT_LIMIT, type ConversationStatus, type Message, type PersonRef } from '../shared/types';
import type { QueueInfo, Rating } from '../shared/types';

export type Connection = 'connecting' | 'online' | 'offline';

/** A shopper's message waiting to be stored; a tapped "did you mean" choice carries its FAQ id. */
export interface ShopperOutgoing extends Outgoing {
  faq_id?: string;
}

export interface ChatState {
  connection: Connection;
  /** A `session` has arrived at least once (the history is known). */
  ready: boolean;
  conversationId: number | null;
  status: ConversationStatus;
  messages: Message[];
  outbox: ShopperOutgoing[];
  /** Uploads in progress, by client_id (not kept across reloads: the picked file is not). */
  photos: Record<string, PhotoProgress>;
  agent: PersonRef | null;
  queue: QueueInfo | null;
  agentTyping: boolean;
  shopName: string;
  handoffBusy: boolean;
  notice: string | null;
  /** How far the agent has read (已读 under my messages up to this seq). */
  agentRead: number;
}

const AGENT_TYPING_EXPIRE_MS = 8000;

export class ShopperChat {
  readonly store: Store<ChatState>;
  /** The rating card after a person served the shopper (its own store). */
  readonly rating: ShopperRating;
  /** 留言: the form offered when nobody can answer now (its own store). */
  readonly leave: ShopperLeaveMessage;
  readonly host: HostBridge; // what the shop's page told the loader (its own store)
  private socket: Socket;
  private readonly saved: SavedChat; // the token and the outbox, kept in this browser
  private readonly outbox: Outbox<ShopperOutgoing>;
  private readonly photos: PhotoSender<ShopperOutgoing>;
  private readonly myTyping: TypingSignal;
  private readonly reader: ReadReporter;
  private agentTypingTimer: number | undefined;
  private noticeTimer: number | undefined;
  private visible = true;
  private unread = 0;

  /** `waitForHost`: in the loader's frame, connect only once the page has said who the shopper
   * is (`start()`), so a logged-in customer opens on their own chat (auth.identity). */
  constructor(
    private readonly shop: string,
    serverOrigin: string = window.location.origin,
    waitForHost = false,
  ) {
    this.saved = new SavedChat(shop);
    this.store = new Store<ChatState>({
      connection: 'connecting',
      ready: false,
      conversationId: null,
      status: 'bot',
      messages: [],
      outbox: this.saved.outbox<ShopperOutgoing>(),
      photos: {},
      agent: null,
      queue: null,
      agentTyping: false,
      shopName: '',
      handoffBusy: false,
      notice: null,
      agentRead: 0,
    });
    this.socket = io(serverOrigin + Namespace.visitor, {
      path: SOCKET_PATH,
      autoConnect: !waitForHost,
      // a function, so every reconnect sends the latest session's token and the page's identity
      auth: (cb) => cb(this.host.handshake(this.shop, this.saved.token())),
    });
    this.outbox = new Outbox<ShopperOutgoing>({
      read: () => this.store.state.outbox,
      write: (items) => this.setOutbox(items),
      // nothing goes while the pre-chat form waits for its answers
      ready: () => this.socket.connected && this.store.state.ready && !this.host.mustAnswer,
      connected: () => this.socket.connected,
      // refused for want of pre-chat answers (the shop just asked for more): the form again,
      // with the fields asked now (a reconnect brings them in `session`); the message waits
      waiting: (code) => code === 'prechat_required' && (this.host.askPrechat(), this.reloadHistory(), true),
      transmit: (item) =>
        emitWithAck<{ message: Message }>(this.socket, VisitorEvent.send, {
          client_id: item.client_id,
          text: item.text,
          ...(item.faq_id ? { faq_id: item.faq_id } : {}),
          ...(item.kind === 'image' ? { kind: 'image', attachment_id: item.attachment_id } : {}),
          ...(item.card ? { kind: item.kind, card: item.card } : {}),
        }),
      delivered: (_item, message) => this.receive([message]),
    });
    this.rating = new ShopperRating(
      shop,
      (payload) => emitWithAck<{ rating: Rating }>(this.socket, VisitorEvent.rate, payload),
      () => this.socket.connected,
    );
    this.leave = new ShopperLeaveMessage(
      (payload) => emitWithAck(this.socket, VisitorEvent.leaveMessage, payload),
      () => this.socket.connected,
      (message, status) => (this.receive([message]), this.store.set({ status })),
    );
    this.host = new HostBridge(() => this.socket, (item) => this.outbox.add(item));
    // the pre-chat form answered: what waited for it goes now
    this.host.store.subscribe(() => {
      if (this.host.store.state.prechatDone) void this.outbox.flush();
    });
    // A person is on the way again (转人工, or a photo sent to the bot): that round's card goes.
    this.store.subscribe(() => {
      if (this.store.state.status === 'queued' || this.store.state.status === 'assigned') this.rating.prompt(undefined);
    });
    this.photos = new PhotoSender<ShopperOutgoing>({
      outbox: this.outbox,
      progress: this.store,
      uploadUrl: () => serverOrigin + UPLOAD_PATH,
      authorization: () => (this.saved.uploadToken ? `Visitor ${this.saved.uploadToken}` : null),
      notice: (text) => this.showNotice(text),
    });
    this.myTyping = new TypingSignal(
      (typing) => this.socket.emit(VisitorEvent.sendTyping, { typing }, () => undefined),
      () => this.socket.connected,
    );
    this.reader = new ReadReporter(
      async (_id, seq) => (await emitWithAck(this.socket, VisitorEvent.sendRead, { seq })).ok,
      (id) => this.visible && this.socket.connected && id === this.store.state.conversationId,
    );
    this.bind();
  }

  private setOutbox(outbox: ShopperOutgoing[]): void {
    this.store.set({ outbox });
    this.saved.saveOutbox(outbox);
    this.photos?.settle();
  }

  private receive(incoming: Message[]): void {
    const s = this.store.state;
    const fresh = incoming.filter((m) => !s.messages.some((x) => x.id === m.id));
    this.store.set({ messages: mergeMessages(s.messages, incoming) });
    this.outbox.settle(incoming);
    const replies = fresh.filter((m) => m.sender === 'agent' || m.sender === 'bot');
    // writing after a close reopens the conversation with the bot (docs/protocol.md, `closed`);
    // the history replayed by `session` holds messages from before the close, which do not count
    const closedAt = [...this.store.state.messages].reverse().find((m) => m.meta?.event === 'closed')?.seq ?? 0;
    const reopened = fresh.some((m) => (m.sender === 'bot' || m.sender === 'visitor') && m.seq > closedAt);
    if (this.store.state.status === 'closed' && reopened) this.store.set({ status: 'bot', agent: null });
    // merged into the customer's conversation on another device's login: reconnect to it
    if (fresh.some((m) => m.meta?.event === 'merged')) this.reloadHistory();
    if (replies.some((m) => m.sender === 'agent')) this.setAgentTyping(false);
    const all = this.store.state.messages;
    const shownUpTo = all[all.length - 1]?.seq;
    if (s.conversationId && shownUpTo) this.reader.shown(s.conversationId, shownUpTo);
    if (!this.visible && replies.length) {
      this.unread += replies.length;
      this.tellParent({ type: 'chatserver:unread', count: this.unread });
    }
  }

  private bind(): void {
    const sock = this.socket;
    sock.on(SocketEvent.connect, () => this.store.set({ connection: 'online' }));
    sock.on(SocketEvent.disconnect, () => {
      this.store.set({ connection: 'offline', agentTyping: false });
      this.host.onDisconnect();
      // attempts cut by the disconnect go back to the queue and are resent after `session`
      this.outbox.requeue();
    });
    sock.on(SocketEvent.connectError, (error: Error & { data?: { code?: string } }) => {
      this.store.set({ connection: 'offline' });
      if (!sock.active) {
        // Refused by the server. Only a refusal of the session itself starts afresh as a new
        // shopper; while the server is briefly unavailable (a restart) the token is kept, or
        // the shopper would lose their conversation to a database hiccup.
        const code = error.data?.code;
        if (code !== 'unavailable' && code !== 'rate_limited') this.saved.saveToken(null);
        window.setTimeout(() => sock.connect(), 2000);
      }
    });

    sock.on(VisitorEvent.session, (p: SessionPayload) => {
      this.saved.saveToken(p.token);
      this.saved.uploadToken = p.upload_token ?? null;
      const s = this.store.state;
      const sameConversation = s.conversationId === p.conversation_id;
      this.store.set({
        ready: true,
        conversationId: p.conversation_id,
        status: p.status,
        agent: p.agent ?? (p.status === 'assigned' ? s.agent : null),
        queue: p.status === 'queued' ? (p.queue ?? s.queue) : null,
        shopName: p.shop?.name ?? s.shopName,
        messages: sameConversation ? s.messages : [],
        agentRead: Math.max(sameConversation ? s.agentRead : 0, p.read?.agent ?? 0),
      });
      this.reader.known(p.conversation_id, p.read?.visitor ?? 0);
      this.receive(p.messages ?? []);
      this.rating.prompt(p.rating);
      this.host.onSession(p);
      void this.outbox.flush();
    });
    sock.on(VisitorEvent.message, (m: Message) => this.receive([m]));
    // a product card's image arrived: the card is redrawn
    sock.on(VisitorEvent.messageUpdated, (m: Message) => this.store.set((s) => ({ messages: replaceMessage(s.messages, m) })));
    sock.on(VisitorEvent.queue, (q: QueueInfo) => this.store.set({ status: 'queued', queue: q }));
    sock.on(VisitorEvent.assigned, (p: { agent: PersonRef }) =>
      this.store.set({ status: 'assigned', agent: p.agent, queue: null }),
    );
    sock.on(VisitorEvent.typing, (p: { typing: boolean }) => this.setAgentTyping(!!p.typing));
    sock.on(VisitorEvent.closed, (p: ClosedPayload) => {
      this.store.set({ status: 'closed', queue: null, agentTyping: false });
      this.rating.prompt(p?.rating);
    });
    sock.on(VisitorEvent.rated, (p: RatedPayload) => this.rating.rated(p));
    sock.on(VisitorEvent.read, (p: ReadPayload) => {
      if (p.by === 'agent') this.store.set((s) => ({ agentRead: Math.max(s.agentRead, p.seq) }));
    });
  }

  private setAgentTyping(typing: boolean): void {
    window.clearTimeout(this.agentTypingTimer);
    this.store.set({ agentTyping: typing });
    // a lost "stopped typing" must not leave the indicator on forever
    if (typing) this.agentTypingTimer = window.setTimeout(() => this.store.set({ agentTyping: false }), AGENT_TYPING_EXPIRE_MS);
  }

  showNotice(text: string): void {
    window.clearTimeout(this.noticeTimer);
    this.store.set({ notice: text });
    this.noticeTimer = window.setTimeout(() => this.store.set({ notice: null }), 4000);
  }

  /** Queue a message and send it now if connected. Returns false when the text is refused. */
  send(text: string, faqId?: string): boolean {
    const trimmed = text.trim();
    if (!trimmed) return false;
    if (trimmed.length > TEXT_LIMIT) {
      this.showNotice(ERROR_TEXT.text_too_long);
      return false;
    }
    this.myTyping.stop();
    this.outbox.add({ text: trimmed, ...(faqId ? { faq_id: faqId } : {}) });
    return true;
  }

  /** A photo: shown at once as a pending bubble, uploaded, then sent in its turn. */
  sendPhoto(file: File): void {
    this.myTyping.stop();
    this.photos.add(file, {});
  }

  /** Re-read the conversation (photo URLs expire): a reconnect brings `session` with the whole
   * history, freshly signed; the outbox waits and goes on as after any reconnect. */
  reloadHistory(): void {
    if (!this.socket.connected) return;
    this.socket.disconnect();
    this.socket.connect();
  }

  /** The shop's page logged its customer out (the loader's logout()): this browser forgets
   * the token and whatever was still unsent, and chats on as a new anonymous shopper. */
  logout(): void {
    this.saved.saveToken(null);
    this.host.logout();
    this.setOutbox([]);
    this.store.set({ ready: false, conversationId: null, messages: [], agent: null, queue: null, agentRead: 0 });
    if (!this.socket.active) return; // not connected yet: start() opens the new shopper
    this.socket.disconnect();
    this.socket.connect();
  }

  /** The page has told the frame what it knows (or never will): connect, once. */
  start(): void {
    if (!this.socket.active && !this.socket.connected) this.socket.connect();
  }

  retry(clientId: string): void {
    if (!this.photos.retry(clientId)) this.outbox.retry(clientId);
  }

  /** Give up on a message or photo that could not be sent. */
  remove(clientId: string): void {
    this.photos.remove(clientId);
  }

  /** 转人工 (chat/handoff.ts). */
  handoff(): Promise<void> {
    return requestHandoff(this.socket, this.store, (text) => this.showNotice(text));
  }

  /** Called on every keystroke in the composer: tells the agent, at most once per idle period. */
  typing(): void {
    this.myTyping.input();
  }

  /** The loader shows or hides the panel; unread replies are counted while it is hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.reader.schedule();
    if (visible && this.unread) {
      this.unread = 0;
      this.tellParent({ type: 'chatserver:unread', count: 0 });
    }
  }

  tellParent(message: { type: string; count?: number }): void {
    if (window.parent !== window) window.parent.postMessage(message, '*');
  }
}
