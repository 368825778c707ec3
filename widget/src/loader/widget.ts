// The loader a shop embeds with one line:
//   <script src="https://HOST/widget/widget.js" data-shop="demo" async></script>
// It adds a floating chat button and, on the first click, an iframe with the chat app from the
// chat server's own origin. Button and iframe live in an open shadow root whose host element is
// reset with inline !important styles, so the shop's CSS cannot restyle them, and nothing here
// touches the shop's page outside that host. No framework: this file must stay a few KB.
//
// The shop's page talks to it through `window.chatserver` (docs/frontend.md): identify() its
// logged-in customer, setProduct() the product on screen, sendOrder() an order to ask about.
// What it knows goes to the chat app by postMessage, to the chat server's origin only, together
// with this page's URL, title and referrer (never anything typed on the page).

interface FrameMessage {
  type: 'chatserver:close' | 'chatserver:unread' | 'chatserver:ready' | 'chatserver:logged-out';
  count?: number;
}

type Fields = Record<string, unknown>;

interface HostContext {
  identity: Fields | null;
  product: Fields | null;
  order: Fields | null;
  page: { url: string; title: string; referrer: string };
}

interface ChatWidgetApi {
  identify(identity: Fields): void;
  logout(): void;
  setProduct(product: Fields | null): void;
  sendOrder(order: Fields): void;
  open(): void;
}

(function mountChatWidget(): void {
  const GLOBAL_FLAG = '__chatserverWidgetLoaded';
  const w = window as unknown as Record<string, unknown>;
  if (w[GLOBAL_FLAG]) return;

  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[src*="/widget/widget.js"]');
  if (!script || !script.src) return;
  w[GLOBAL_FLAG] = true;

  const origin = new URL(script.src, location.href).origin;
  const shop = script.getAttribute('data-shop') || 'demo';
  const chatUrl = `${origin}/widget/chat.html?shop=${encodeURIComponent(shop)}`;
  const context: HostContext = {
    identity: null,
    product: productFromAttributes(script),
    order: null,
    page: { url: pageAddress(location.href), title: document.title, referrer: pageAddress(document.referrer) },
  };

  const host = document.createElement('div');
  host.setAttribute('data-chatserver-widget', shop);
  // The host must survive any shop stylesheet: reset everything, then place it.
  host.style.cssText = [
    'all:initial',
    'position:fixed',
    'z-index:2147483000',
    'right:0',
    'bottom:0',
    'width:0',
    'height:0',
    'display:block',
    'visibility:visible',
    'opacity:1',
    'transform:none',
    'filter:none',
  ]
    .map((rule) => `${rule} !important`)
    .join(';');

  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
<style>
  :host { all: initial !important; }
  * { box-sizing: border-box; }
  .launcher {
    position: fixed; right: 20px; bottom: 20px; width: 60px; height: 60px;
    border: 0; border-radius: 50%; padding: 0; margin: 0; cursor: pointer;
    background: #e4393c; color: #fff; box-shadow: 0 6px 20px rgba(0,0,0,.25);
    display: flex; align-items: center; justify-content: center;
    font: 600 12px/1 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
    transition: transform .15s ease;
  }
  .launcher:hover { transform: scale(1.06); }
  .launcher:focus-visible { outline: 3px solid #ffb400; outline-offset: 3px; }
  .launcher svg { width: 28px; height: 28px; fill: currentColor; }
  .icon-close, .open .icon-chat { display: none; }
  .open .icon-close { display: block; }
  .badge {
    position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
    border-radius: 11px; background: #ff9f00; color: #fff; font-size: 12px; line-height: 22px;
    text-align: center; border: 2px solid #fff;
  }
  .badge[hidden] { display: none; }
  .panel {
    position: fixed; right: 20px; bottom: 92px; width: 380px; height: min(640px, calc(100vh - 112px));
    border: 0; border-radius: 14px; overflow: hidden; background: #fff;
    box-shadow: 0 12px 40px rgba(0,0,0,.28); display: none;
  }
  .open .panel { display: block; }
  @media (max-width: 480px) {
    .panel { inset: 0; right: 0; bottom: 0; width: 100vw; height: 100vh; height: 100dvh; border-radius: 0; }
    .open .launcher { display: none; }
  }
</style>
<div class="wrap">
  <button class="launcher" type="button" data-testid="chat-launcher" aria-label="在线客服" title="在线客服">
    <svg class="icon-close" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>
    <svg class="icon-chat" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.5 6.1L5 21l4.1-2.3c.9.2 1.9.3 2.9.3 5.5 0 10-3.6 10-8s-4.5-8-10-8zm-4 9.3a1.3 1.3 0 110-2.6 1.3 1.3 0 010 2.6zm4 0a1.3 1.3 0 110-2.6 1.3 1.3 0 010 2.6zm4 0a1.3 1.3 0 110-2.6 1.3 1.3 0 010 2.6z"/></svg>
    <span class="badge" data-testid="chat-launcher-badge" hidden></span>
  </button>
</div>`;

  const wrap = root.querySelector('.wrap') as HTMLDivElement;
  const launcher = root.querySelector('.launcher') as HTMLButtonElement;
  const badge = root.querySelector('.badge') as HTMLSpanElement;
  let frame: HTMLIFrameElement | null = null;
  let open = false;
  let frameReady = false;
  let inviteText = '';
  // logout() before the chat was opened: noted in this page's storage too, so a navigation
  // right after it is not lost; told to the chat app once it is ready, forgotten once it answers
  const logoutKey = `chatserver:logout:${shop}`;
  let loggedOut = readNote(logoutKey);

  function post(type: string, extra: Fields = {}): void {
    frame?.contentWindow?.postMessage({ type, ...extra }, origin);
  }

  /** Everything the chat app should know about this page; it asks again when (re)loaded. */
  function sendContext(): void {
    if (!frameReady) return; // sent when the chat app says it is ready
    post('chatserver:context', { context });
    context.order = null; // an order is sent once, not on every later update
  }

  function setUnread(count: number): void {
    badge.hidden = count <= 0;
    badge.textContent = count > 99 ? '99+' : String(count);
  }

  function setOpen(next: boolean): void {
    open = next;
    if (open && !frame) {
      frame = document.createElement('iframe');
      frame.className = 'panel';
      frame.src = chatUrl;
      frame.title = '在线客服';
      frame.setAttribute('data-testid', 'chat-frame');
      frame.setAttribute('allow', 'clipboard-write');
      wrap.appendChild(frame);
    }
    wrap.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? '收起客服窗口' : '在线客服');
    if (open) setUnread(0);
    post(open ? 'chatserver:open' : 'chatserver:hidden');
  }

  launcher.addEventListener('click', () => setOpen(!open));

  window.addEventListener('message', (event: MessageEvent<FrameMessage>) => {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'chatserver:close') setOpen(false);
    else if (data.type === 'chatserver:ready') {
      frameReady = true;
      // the logout first: the context that follows may already name the next customer
      if (loggedOut) post('chatserver:logout');
      loggedOut = false;
      sendContext();
      if (inviteText) post('chatserver:invite', { text: inviteText });
      inviteText = '';
    }
    else if (data.type === 'chatserver:logged-out') writeNote(logoutKey, false);
    else if (data.type === 'chatserver:unread' && !open) setUnread(Number(data.count) || 0);
  });

  const api: ChatWidgetApi = {
    identify(identity) {
      context.identity = plain(identity);
      sendContext();
    },
    /** The customer logged out of the shop: the widget forgets them and whatever they had not
     * sent yet, and chats on as a new anonymous shopper (a shared computer). */
    logout() {
      context.identity = null;
      context.order = null;
      writeNote(logoutKey, true); // until the chat app confirms, even across a navigation
      if (frameReady) post('chatserver:logout');
      else loggedOut = true;
    },
    setProduct(product) {
      context.product = product === null ? null : plain(product);
      sendContext();
    },
    sendOrder(order) {
      context.order = plain(order);
      if (!open) setOpen(true);
      sendContext();
    },
    open() {
      if (!open) setOpen(true);
    },
  };
  // Calls made before this script ran: `(window.chatserverQueue ||= []).push(['identify', {...}])`.
  const queued = w.chatserverQueue;
  w.chatserver = api;
  if (Array.isArray(queued)) {
    for (const call of queued) {
      const [method, arg] = Array.isArray(call) ? call : [];
      if (typeof method === 'string' && method in api) (api as unknown as Record<string, (a: unknown) => void>)[method](arg);
    }
  }

  function attach(): void {
    document.body.appendChild(host);
    void scheduleInvite();
  }

  /** 主动邀请: when the shop turned it on, open the chat by itself after N seconds on a page,
   * at most once per browser session (a shopper who closed it is not asked again). */
  async function scheduleInvite(): Promise<void> {
    const key = `chatserver:invited:${shop}`;
    try {
      if (sessionStorage.getItem(key)) return;
      const response = await fetch(`${origin}/api/widget/config?shop=${encodeURIComponent(shop)}`);
      if (!response.ok) return;
      const invite = ((await response.json()) as { invite?: { enabled?: boolean; delay_seconds?: number; text?: string } }).invite;
      if (!invite?.enabled) return;
      window.setTimeout(() => {
        if (open || frame) return; // the shopper already found the chat
        sessionStorage.setItem(key, '1');
        inviteText = String(invite.text || '');
        setOpen(true);
      }, Math.max(3, Number(invite.delay_seconds) || 30) * 1000);
    } catch {
      // no invitation when storage or the network is unavailable: the button still works
    }
  }
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach);
})();

// Query keys that name the product on a page (`item.htm?id=123`); the server keeps the same list
// (chatserver/domain/shopper_context.py). Every other key can hold search terms or tokens.
const PRODUCT_QUERY_KEYS = new Set([
  'id', 'sku', 'sku_id', 'skuid', 'item', 'item_id', 'itemid', 'product', 'product_id', 'productid',
  'goods_id', 'goodsid', 'spu', 'spu_id',
]);

/** A page address without its fragment, and of its query only the product keys. */
function pageAddress(url: string): string {
  const bare = url.split('#', 1)[0];
  const at = bare.indexOf('?');
  const address = at < 0 ? bare : bare.slice(0, at);
  const query = at < 0 ? '' : bare.slice(at + 1);
  const kept = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(query)) {
    if (PRODUCT_QUERY_KEYS.has(key.toLowerCase()) && /^[A-Za-z0-9_.-]{1,64}$/.test(value)) kept.append(key, value);
  }
  const rest = kept.toString();
  return rest ? `${address}?${rest}` : address;
}

/** A note in this page's localStorage (never throws: storage may be disabled). */
function readNote(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeNote(key: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(key, '1');
    else localStorage.removeItem(key);
  } catch {
    /* storage unavailable: the logout lasts as long as the page */
  }
}

/** Only plain data crosses to the chat app (no functions, no DOM nodes). */
function plain(value: unknown): Fields | null {
  if (!value || typeof value !== 'object') return null;
  try {
    return JSON.parse(JSON.stringify(value)) as Fields;
  } catch {
    return null;
  }
}

/** `data-product-id`, `data-product-title`, … on the script tag: the product on this page. */
function productFromAttributes(script: HTMLScriptElement): Fields | null {
  const id = script.getAttribute('data-product-id');
  if (!id) return null;
  const product: Fields = { id };
  for (const name of ['title', 'price', 'image', 'url']) {
    const value = script.getAttribute(`data-product-${name}`);
    if (value !== null) product[name] = name === 'price' ? Number(value) : value;
  }
  return product;
}
