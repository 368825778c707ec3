// Entry of the shopper chat app (widget/chat.html?shop=SLUG), normally inside the loader's iframe.
import { render } from 'preact';
import { onExpiredPhotos } from '../shared/PhotoView';
import { App } from './App';
import { ShopperChat } from './client';
import './chat.css';

const params = new URLSearchParams(window.location.search);
const shop = params.get('shop') || 'demo';
const embedded = window.parent !== window;
const chat = new ShopperChat(shop);
onExpiredPhotos(() => chat.reloadHistory());

window.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
  if (event.source !== window.parent) return;
  if (event.data?.type === 'chatserver:open') chat.setVisible(true);
  else if (event.data?.type === 'chatserver:hidden') chat.setVisible(false);
});

render(<App chat={chat} embedded={embedded} />, document.getElementById('app') as HTMLElement);
