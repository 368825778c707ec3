// 商品卡片 / 订单卡片 in a chat (shopper widget and agent panel) and the product on screen in the
// agent's side panel. Every field is shown as a text node; links only when http(s) (the server
// checks too) and opened without access to this page. Images load only from this server's own
// origin: the server fetches a product's image and serves it as ours (`card.photo`, signed media
// URLs); the pages' CSP (img-src 'self') would block any other, so those show a placeholder.
import { normalOrder, normalProduct, numberOf, type OrderCard, type ProductCard } from './shopperContext';
import './cards.css';

const ORDER_ITEMS_SHOWN = 3;

/** ¥599.00; also for a price stored as text by an older widget, and '' for no number. */
export function money(value: unknown): string {
  const amount = numberOf(value);
  return amount == null ? '' : `¥${amount.toFixed(2)}`;
}

function safeLink(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

function CardImage({ src, alt, small }: { src: string | null | undefined; alt: string; small?: boolean }) {
  let shown: string | undefined;
  try {
    shown = src && new URL(src, window.location.href).origin === window.location.origin ? src : undefined;
  } catch {
    shown = undefined;
  }
  const size = small ? ' card-image-small' : '';
  return shown ? (
    <img class={`card-image${size}`} src={shown} alt={alt} loading="lazy" />
  ) : (
    <div class={`card-image card-image-none${size}`} aria-hidden="true">
      商品
    </div>
  );
}

export function ProductCardView({ card, testid = 'product-card' }: { card: ProductCard; testid?: string }) {
  const link = safeLink(card.url);
  const body = (
    <>
      <CardImage src={card.photo?.thumb_url ?? card.image} alt={card.title} />
      <div class="card-body">
        <div class="card-title" data-testid={`${testid}-title`}>
          {card.title}
        </div>
        {numberOf(card.price) != null && (
          <div class="card-price" data-testid={`${testid}-price`}>
            {money(card.price)}
          </div>
        )}
        <div class="card-sub">商品编号 {card.id}</div>
      </div>
    </>
  );
  return link ? (
    <a class="chat-card" data-testid={testid} href={link} target="_blank" rel="noopener noreferrer">
      {body}
    </a>
  ) : (
    <div class="chat-card" data-testid={testid}>
      {body}
    </div>
  );
}

export function OrderCardView({ card, testid = 'order-card' }: { card: OrderCard; testid?: string }) {
  const items = Array.isArray(card.items) ? card.items : [];
  const more = items.length - ORDER_ITEMS_SHOWN;
  return (
    <div class="chat-card chat-card-order" data-testid={testid}>
      <div class="card-body">
        <div class="card-title">
          订单号 <span data-testid={`${testid}-no`}>{card.order_no}</span>
        </div>
        {card.status && <div class="card-sub">状态：{card.status}</div>}
        <ul class="card-items">
          {items.slice(0, ORDER_ITEMS_SHOWN).map((item, i) => (
            <li key={i} data-testid={`${testid}-item`}>
              <CardImage src={item.photo?.thumb_url ?? item.image} alt={item.title} small />
              <span class="card-item-title">{item.title}</span>
              <span class="card-sub">×{item.quantity}</span>
            </li>
          ))}
          {more > 0 && <li class="card-sub">等 {items.length} 件商品</li>}
        </ul>
        <div class="card-price" data-testid={`${testid}-amount`}>
          实付 {money(card.amount)}
        </div>
      </div>
    </div>
  );
}

/** A card message's card, or null when the message is not one (or its card is unusable). */
export function MessageCard({ kind, card, testid }: { kind: string; card: unknown; testid: string }) {
  const product = kind === 'product' ? normalProduct(card) : null;
  if (product) return <ProductCardView card={product} testid={`${testid}-product`} />;
  const order = kind === 'order' ? normalOrder(card) : null;
  if (order) return <OrderCardView card={order} testid={`${testid}-order`} />;
  return null;
}

export function isCardKind(kind: string): boolean {
  return kind === 'product' || kind === 'order';
}
