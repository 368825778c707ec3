// What the shop's page tells the widget, as the contract carries it (docs/protocol.md, "Shopper
// context"): cards, the shopper's context as staff see it, and the shop's widget settings.

/** 商品卡片 (`kind: "product"`, `meta.card`; also the product on screen in ShopperContext). */
export interface ProductCard {
  id: string;
  title: string;
  price: number | null;
  image: string | null;
  url: string | null;
  /** The image fetched by the server and shown from our own origin (signed media URLs). */
  photo?: { url: string; thumb_url: string; width?: number; height?: number } | null;
}

/** 订单卡片 (`kind: "order"`, `meta.card`). */
export interface OrderCard {
  order_no: string;
  status: string | null;
  amount: number;
  items: { title: string; quantity: number; price: number | null; image: string | null }[];
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
