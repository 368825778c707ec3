// What the shop's page tells the chat (the loader's identify / setProduct / sendOrder, and the
// page's URL, title and referrer), passed on to the server: `identify` once per customer and
// connection, `context` after every `session` and change, an order as a card once. Also keeps
// the shop's pre-chat settings and answers them with `prechat`. Nothing typed on the shop's page
// ever arrives here: the loader sends only what the shop's own script handed it.
import type { Socket } from 'socket.io-client';
import { emitWithAck } from '../shared/ack';
import { VisitorEvent, type SessionPayload } from '../shared/events';
import { Store } from '../shared/store';
import { normalOrder, normalProduct, type OrderCard, type ProductCard, type WidgetSettings } from '../shared/shopperContext';
import type { Ack } from '../shared/types';

/** As the loader passes it: the shop's own data, checked here (shared/shopperContext.ts). */
export interface HostContext {
  identity?: Record<string, unknown> | null;
  product?: unknown;
  order?: unknown;
  page?: { url: string; title: string; referrer: string };
}

export interface HostState {
  /** The product on the shop's page: what 「咨询这件商品」 sends. */
  product: ProductCard | null;
  widget: WidgetSettings | null;
  prechatDone: boolean;
}

/** A card for the outbox (client.ts): sent in order with the shopper's messages, never twice. */
export interface CardItem {
  text: string;
  kind: 'product' | 'order';
  card: ProductCard | OrderCard;
}

export class HostBridge {
  readonly store = new Store<HostState>({ product: null, widget: null, prechatDone: true });
  private identity: Record<string, unknown> | null = null;
  private page: HostContext['page'] | null = null;
  private pendingOrder: OrderCard | null = null;
  private customerId: string | null = null;
  private sessionSeen = false;
  /** The identity last refused: not sent again until the page gives another. */
  private refused: string | null = null;
  private identifying = false;
  private reported = false;
  /** The identity the latest handshake carried (auth.identity), as a key. */
  private handshakeKey: string | null = null;

  constructor(
    private readonly socket: () => Socket,
    private readonly queue: (item: CardItem) => void,
  ) {}

  private emit(event: string, payload: unknown): Promise<Ack<Record<string, unknown>>> {
    return emitWithAck(this.socket(), event, payload);
  }

  /** The loader's `chatserver:context` message. */
  fromParent(context: HostContext): void {
    if (context.identity !== undefined) this.identity = context.identity ?? null;
    if (context.page) this.page = context.page;
    // a card the shop got slightly wrong is normalised (or dropped), never stored as it came
    if (context.product !== undefined) this.store.set({ product: normalProduct(context.product) });
    const order = normalOrder(context.order);
    if (order) this.pendingOrder = order;
    this.reported = false;
    void this.sync();
  }

  /** The /visitor handshake's auth: the page's customer goes with it (docs/protocol.md), so
   * their chat opens directly, without an anonymous one first; a refused one is not sent again. */
  handshake(shop: string, token: string | null): Record<string, unknown> {
    const key = this.identity ? JSON.stringify(this.identity) : null;
    this.handshakeKey = key !== this.refused ? key : null;
    return { shop, ...(token ? { token } : {}), ...(this.handshakeKey ? { identity: this.identity } : {}) };
  }

  onSession(p: SessionPayload): void {
    this.sessionSeen = true;
    this.customerId = p.visitor?.customer_id ?? null;
    if (p.identity && !p.identity.ok) {
      this.refused = this.handshakeKey;
      // for the shop's developers: the shopper sees nothing and chats on anonymously
      console.warn(`[chatserver] identity refused: ${p.identity.error.code} ${p.identity.error.message}`);
    }
    const widget = p.widget ?? null;
    const asks = widget ? Object.values(widget.prechat).some((r) => r === 'required') : false;
    this.store.set({ widget, prechatDone: !asks || !!p.prechat_done });
    this.reported = false;
    void this.sync();
  }

  onDisconnect(): void {
    this.sessionSeen = false;
  }

  /** The shop's page logged its customer out: forget who they were until identify() again. */
  logout(): void {
    this.identity = null;
    this.customerId = null;
    this.refused = null;
    this.handshakeKey = null;
    this.pendingOrder = null;
  }

  /** The server refused a message for want of pre-chat answers (a field the shop has just made
   * required): the form again; the message waits in the outbox. */
  askPrechat(): void {
    this.store.set({ prechatDone: false });
  }

  /** Whether the shopper must answer the pre-chat form before writing. */
  get mustAnswer(): boolean {
    return !this.store.state.prechatDone;
  }

  async submitPrechat(values: Record<string, string>): Promise<Ack<Record<string, unknown>>> {
    const ack = await this.emit(VisitorEvent.prechat, values);
    if (ack.ok) {
      this.store.set({ prechatDone: true });
      void this.sync();
    }
    return ack;
  }

  sendProduct(): void {
    const product = this.store.state.product;
    if (product) this.queue({ text: '[商品]', kind: 'product', card: product });
  }

  private async sync(): Promise<void> {
    if (!this.sessionSeen || !this.socket().connected) return;
    const identity = this.identity;
    const key = identity ? JSON.stringify(identity) : null;
    if (identity && key !== this.refused && String(identity.id) !== this.customerId && !this.identifying) {
      this.identifying = true;
      const ack = await this.emit(VisitorEvent.identify, identity);
      this.identifying = false;
      // on success a new `session` follows and calls sync() again
      if (ack.ok) return;
      // refused or malformed: not again for this identity; anything else: again next session
      if (ack.error.code === 'identity_refused' || ack.error.code === 'invalid_payload') this.refused = key;
      // for the shop's developers: the shopper sees nothing and chats on anonymously
      console.warn(`[chatserver] identify refused: ${ack.error.code} ${ack.error.message}`);
    }
    if (!this.reported && (this.page || this.store.state.product)) {
      this.reported = true;
      const ack = await this.emit(VisitorEvent.context, { page: this.page, product: this.store.state.product });
      if (!ack.ok) this.reported = false;
    }
    if (this.pendingOrder && this.store.state.prechatDone) {
      const order = this.pendingOrder;
      this.pendingOrder = null;
      this.queue({ text: '[订单]', kind: 'order', card: order });
    }
  }
}
