// The side panel's 浏览信息: the product the shopper is looking at now, the pages of this visit
// (newest first), the device and browser, and the pre-chat answers. All from the widget via the
// server (docs/protocol.md, ShopperContext); every value is shown as text, links as http(s) only.
import { Fragment } from 'preact';
import { ProductCardView } from '../../shared/CardView';
import { clockTime } from '../../shared/format';
import type { VisitorRef } from '../../shared/shopperContext';

const PRECHAT_LABELS: Record<string, string> = { name: '称呼', phone: '手机号', order_no: '订单号' };

export function ShopperContextCard({ visitor }: { visitor: VisitorRef }) {
  const context = visitor.context ?? {};
  const pages = [...(context.pages ?? [])].reverse();
  const prechat = Object.entries(context.prechat ?? {});
  if (!context.product && !pages.length && !context.device && !prechat.length) return null;
  return (
    <section class="card" data-testid="shopper-context">
      <h3>浏览信息</h3>
      {context.product && (
        <div class="context-product">
          <div class="muted small-text">正在浏览的商品</div>
          <ProductCardView card={context.product} testid="viewing-product" />
        </div>
      )}
      {prechat.length > 0 && (
        <dl data-testid="prechat-answers">
          {prechat.map(([name, value]) => (
            <Fragment key={name}>
              <dt>{PRECHAT_LABELS[name] ?? name}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {context.device && (
        <p class="small-text" data-testid="shopper-device">
          设备：{context.device.type} · {context.device.os} · {context.device.browser}
        </p>
      )}
      {pages.length > 0 && (
        <ol class="visited-pages" data-testid="visited-pages">
          {pages.map((p, i) => (
            <li key={`${p.at}-${i}`}>
              <span class="muted small-text">{clockTime(p.at)}</span>{' '}
              {/^https?:\/\//i.test(p.url) ? (
                <a href={p.url} target="_blank" rel="noopener noreferrer" title={p.url}>
                  {p.title || p.url}
                </a>
              ) : (
                p.title || '（无标题）'
              )}
              {i === pages.length - 1 && p.referrer && <div class="muted small-text">来源：{p.referrer}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
