// 商品卡片 / 订单卡片 in a chat (shopper widget and agent panel) and the product on screen in the
// agent's side panel. Every field is shown as a text node; links only when http(s) (the server
// checks too) and opened without access to this page. Images load only from this server's own
// origin: the server fetches a product's image and serves it as ours (`card.photo`, signed media
// URLs); the pages' CSP (img-src 'self') would block any other, so those show a placeholder.
import type { OrderCard, ProductCard } from './shopperContext';
import './cards.css';

const ORDER_ITEMS_SHOWN = 3;

export function money(value: number | null | undefined): string {
  return value == null ? '' : `¥${value.toFixed(2)}`;
}

function safeLink(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

function CardImage({ src, alt }: { src: string | null | undefined; alt: string }) {
  let shown: string | undefined;
  try {
    shown = src && new URL(src, window.location.href).origin === window.location.origin ? src : undefined;
  } catch {
    shown = undefined;
  }
  return shown ? (
    <img class="card-image" src={shown} alt={alt} loading="lazy" />
  ) : (
    <div class="card-image card-image-none" aria-hidden="true">
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
        {card.price != null && (
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
  const more = card.items.length - ORDER_ITEMS_SHOWN;
  return (
    <div class="chat-card chat-card-order" data-testid={testid}>
      <div class="card-body">
        <div class="card-title">
          订单号 <span data-testid={`${testid}-no`}>{card.order_no}</span>
        </div>
        {card.status && <div class="card-sub">状态：{card.status}</div>}
        <ul class="card-items">
          {card.items.slice(0, ORDER_ITEMS_SHOWN).map((item, i) => (
            <li key={i}>
              <span class="card-item-title">{item.title}</span>
              <span class="card-sub">×{item.quantity}</span>
            </li>
          ))}
          {more > 0 && <li class="card-sub">等 {card.items.length} 件商品</li>}
        </ul>
        <div class="card-price" data-testid={`${testid}-amount`}>
          实付 {money(card.amount)}
        </div>
      </div>
    </div>
  );
}

/** A card message's card, or null when the message is not one (or its card is missing). */
export function MessageCard({ kind, card, testid }: { kind: string; card: unknown; testid: string }) {
  if (!card || typeof card !== 'object') return null;
  if (kind === 'product') return <ProductCardView card={card as ProductCard} testid={`${testid}-product`} />;
  if (kind === 'order') return <OrderCardView card={card as OrderCard} testid={`${testid}-order`} />;
  return null;
}

export function isCardKind(kind: string): boolean {
  return kind === 'product' || kind === 'order';
}
