// Entry of the shopper chat app (widget/chat.html?shop=SLUG), normally inside the loader's iframe.
import { render } from 'preact';
import { onExpiredPhotos } from '../shared/PhotoView';
import { App } from './App';
import { ShopperChat } from './client';
import type { HostContext } from './hostBridge';
import './chat.css';

const params = new URLSearchParams(window.location.search);
const shop = params.get('shop') || 'demo';
const embedded = window.parent !== window;
// In the loader's frame the socket waits for the page's answer to `chatserver:ready` (who the
// customer is goes in the handshake); a page that never answers still gets its chat.
const chat = new ShopperChat(shop, window.location.origin, embedded);
const HOST_WAIT_MS = 1500;
if (embedded) window.setTimeout(() => chat.start(), HOST_WAIT_MS);
else chat.start();
onExpiredPhotos(() => chat.reloadHistory());

window.addEventListener('message', (event: MessageEvent<{ type?: string; context?: HostContext; text?: string }>) => {
  if (event.source !== window.parent) return;
  if (event.data?.type === 'chatserver:open') chat.setVisible(true);
  else if (event.data?.type === 'chatserver:hidden') chat.setVisible(false);
  else if (event.data?.type === 'chatserver:context' && event.data.context) {
    chat.host.fromParent(event.data.context);
    chat.start();
  }
  else if (event.data?.type === 'chatserver:invite' && event.data.text) chat.showNotice(String(event.data.text));
  else if (event.data?.type === 'chatserver:logout') {
    chat.logout();
    // the loader keeps its own note of the logout until this frame has forgotten the token
    chat.tellParent({ type: 'chatserver:logged-out' });
  }
});
// The loader answers with what the shop's page told it (identify, setProduct, sendOrder, page).
chat.tellParent({ type: 'chatserver:ready' });

render(<App chat={chat} embedded={embedded} />, document.getElementById('app') as HTMLElement);
