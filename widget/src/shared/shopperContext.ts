// What the shop's page tells the widget, as the contract carries it (docs/protocol.md, "Shopper
// context"): cards, the shopper's context as staff see it, and the shop's widget settings.

/** 商品卡片 (`kind: "product"`, `meta.card`; also the product on screen in ShopperContext). */
/** The image fetched by the server and shown from our own origin (signed media URLs). */
export interface CardPhoto {
  url: string;
  thumb_url: string;
  width?: number;
  height?: number;
}

export interface ProductCard {
  id: string;
  title: string;
  price: number | null;
  image: string | null;
  url: string | null;
  photo?: CardPhoto | null;
}

/** 订单卡片 (`kind: "order"`, `meta.card`). */
export interface OrderCard {
  order_no: string;
  status: string | null;
  amount: number;
  items: { title: string; quantity: number; price: number | null; image: string | null; photo?: CardPhoto | null }[];
}

/** What the widget told the server about the shopper (staff only, docs/protocol.md). */
export interface ShopperContext {
  product?: ProductCard | null;
  pages?: { url: string; title: string; referrer: string; at: string }[];
  device?: { type: string; os: string; browser: string };
  prechat?: { name?: string; phone?: string; order_no?: string };
}

export type PrechatRequirement = 'off' | 'optional' | 'required';

/** The shop's pre-chat fields and proactive invitation (`session.widget`). */
export interface WidgetSettings {
  prechat: { name: PrechatRequirement; phone: PrechatRequirement; order_no: PrechatRequirement };
  invite: { enabled: boolean; delay_seconds: number; text: string };
}

/** The shopper as staff see them in a Conversation (a PersonRef with what the widget told). */
export interface VisitorRef {
  id: number;
  name: string;
  customer?: { id: string; phone: string | null } | null;
  context?: ShopperContext | null;
}

// The shop's page hands the loader whatever its script built: a price as "599", a missing
// list. Cards are normalised here, before they are queued, stored or drawn, so a slightly wrong
// card is shown (or refused by the server with a clear error) but never breaks the widget.

type Loose = Record<string, unknown>;

function loose(value: unknown): Loose | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : null;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A number, from a number or a numeric string ("599", " 12.5 "); anything else is null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return null;
  return Number(value);
}

/** A product as the shop passed it, normalised; null when it has no id or title to show. */
export function normalProduct(raw: unknown): ProductCard | null {
  const p = loose(raw);
  const id = textOf(p?.id);
  const title = textOf(p?.title);
  if (!p || !id || !title) return null;
  return { id, title, price: numberOf(p.price), image: textOf(p.image), url: textOf(p.url), photo: photoOf(p.photo) };
}

/** The server's copy of a product image (message_updated, visitor_context), kept; shown only
 * from our origin. */
function photoOf(raw: unknown): CardPhoto | null {
  const photo = loose(raw);
  const url = textOf(photo?.url);
  const thumbUrl = textOf(photo?.thumb_url);
  return url && thumbUrl ? { url, thumb_url: thumbUrl } : null;
}

/** An order as the shop passed it, normalised; null without an order number. */
export function normalOrder(raw: unknown): OrderCard | null {
  const o = loose(raw);
  const orderNo = textOf(o?.order_no);
  if (!o || !orderNo) return null;
  const items = (Array.isArray(o.items) ? o.items : []).flatMap((entry) => {
    const item = loose(entry);
    const title = textOf(item?.title);
    if (!item || !title) return [];
    // Not a number (「两件」): NaN goes out as null and the server refuses the card with a
    // clear error, rather than the widget inventing a quantity or an amount.
    const quantity = numberOf(item.quantity ?? 1) ?? Number.NaN;
    return [{ title, quantity, price: numberOf(item.price), image: textOf(item.image), photo: photoOf(item.photo) }];
  });
  return { order_no: orderNo, status: textOf(o.status), amount: numberOf(o.amount) ?? Number.NaN, items };
}
