// What the shop's page and settings add to the chat: the pre-chat form (售前信息: the shop's
// fields, asked before the first message) in place of the composer, and 「咨询这件商品」 above it
// when the page set a product (one tap sends it as a card).
import { useState } from 'preact/hooks';
import { ProductCardView } from '../shared/CardView';
import { useStore } from '../shared/store';
import type { PrechatRequirement } from '../shared/shopperContext';
import type { ShopperChat } from './client';

const FIELDS = [
  { name: 'name', label: '您的称呼', type: 'text', max: 32, auto: 'name' },
  { name: 'phone', label: '手机号', type: 'tel', max: 20, auto: 'tel' },
  { name: 'order_no', label: '订单号', type: 'text', max: 40, auto: 'off' },
] as const;

export function PrechatForm({ chat }: { chat: ShopperChat }) {
  const widget = useStore(chat.host.store, (s) => s.widget);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (!widget) return null;
  const asked = FIELDS.filter((f) => widget.prechat[f.name] !== 'off');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const ack = await chat.host.submitPrechat(values);
    setBusy(false);
    if (!ack.ok) setErrors({ [ack.error.field ?? 'form']: ack.error.message });
  };

  return (
    <form class="leave-card prechat-card" data-testid="prechat-form" onSubmit={submit} aria-labelledby="prechat-title">
      <div class="leave-title" id="prechat-title">
        开始咨询前，请留下您的信息
      </div>
      <p class="prechat-hint">方便客服更快为您处理，信息仅用于本次咨询</p>
      {asked.map((f) => (
        <div key={f.name}>
          <label class="leave-label" for={`prechat-${f.name}`}>
            {f.label}
            {requirementText(widget.prechat[f.name])}
          </label>
          <input
            id={`prechat-${f.name}`}
            class="leave-input"
            data-testid={`prechat-${f.name}`}
            type={f.type}
            autoComplete={f.auto}
            maxLength={f.max}
            required={widget.prechat[f.name] === 'required'}
            value={values[f.name] ?? ''}
            onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value })}
          />
          {errors[f.name] && (
            <div class="rating-error" data-testid={`prechat-error-${f.name}`} role="alert">
              {errors[f.name]}
            </div>
          )}
        </div>
      ))}
      {errors.form && (
        <div class="rating-error" role="alert">
          {errors.form}
        </div>
      )}
      <div class="rating-actions">
        <button type="submit" class="rating-submit" data-testid="prechat-submit" disabled={busy}>
          {busy ? '提交中…' : '开始咨询'}
        </button>
      </div>
    </form>
  );
}

function requirementText(r: PrechatRequirement): string {
  return r === 'required' ? '（必填）' : '（选填）';
}

export function ProductBar({ chat }: { chat: ShopperChat }) {
  const product = useStore(chat.host.store, (s) => s.product);
  const [sentId, setSentId] = useState<string | null>(null);
  if (!product) return null;
  return (
    <div class="product-bar" data-testid="product-bar">
      <ProductCardView card={product} testid="product-bar-card" />
      <button
        type="button"
        class="product-ask"
        data-testid="ask-product"
        disabled={sentId === product.id}
        onClick={() => {
          chat.host.sendProduct();
          setSentId(product.id);
        }}
      >
        {sentId === product.id ? '已发送' : '咨询这件商品'}
      </button>
    </div>
  );
}
