// 店铺设置: the shop's name and the greeting every new shopper gets from the bot, with a live
// preview. Admins edit; supervisors read.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ShopSettings } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

/** The bot greets under this name (chatserver BOT_NAME): what {agent} becomes in the greeting. */
const BOT_NAME = '智能助手';
const MAX_NAME = 100;
const MAX_GREETING = 2000;
const SHOP_FIELDS = ['name', 'greeting_template'] as const;

/** The greeting as a shopper will see it, filled the way the server fills it. */
export function renderGreeting(template: string, shop: string): string {
  return template.split('{shop}').join(shop).split('{agent}').join(BOT_NAME);
}

export function ShopPage() {
  const admin = useAdmin();
  const [shop, setShop] = useState<ShopSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [greeting, setGreeting] = useState('');
  const { errors, formMessage, edit, fail, reset } = useFormErrors(SHOP_FIELDS);
  const [busy, setBusy] = useState(false);
  const greetingBox = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes after an insertion, applied in the same commit as the new text. */
  const caret = useRef<number | null>(null);
  const readOnly = !admin.isAdmin;

  const load = async () => {
    setLoadError(null);
    try {
      const s = (await adminApi.shop(admin.token)).shop;
      setShop(s);
      setName(s.name);
      setGreeting(s.greeting_template);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`店铺设置加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const insert = (placeholder: string) => {
    const box = greetingBox.current;
    const start = box?.selectionStart ?? greeting.length;
    const end = box?.selectionEnd ?? greeting.length;
    caret.current = start + placeholder.length;
    edit('greeting_template', setGreeting, greeting.slice(0, start) + placeholder + greeting.slice(end));
  };
  useLayoutEffect(() => {
    const box = greetingBox.current;
    if (caret.current === null || !box) return;
    box.focus();
    box.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [greeting]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    reset();
    try {
      const s = (await adminApi.shopUpdate(admin.token, { name, greeting_template: greeting })).shop;
      setShop(s);
      setName(s.name);
      setGreeting(s.greeting_template);
      admin.setShopName(s.name);
      admin.toast('店铺设置已保存，新进店的顾客会看到新的欢迎语');
    } catch (err) {
      if (admin.expired(err)) return;
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (!shop) {
    return (
      <div class="single-page">
        <section class="panel">
          <LoadState error={loadError} onRetry={() => void load()} />
        </section>
      </div>
    );
  }

  const dirty = name !== shop.name || greeting !== shop.greeting_template;
  return (
    <div class="shop-page">
      <section class="panel">
        <h2>店铺设置</h2>
        {readOnly && (
          <div class="readonly-note" data-testid="shop-readonly-note">
            只有管理员可以修改店铺设置，您可以查看当前内容。
          </div>
        )}
        <form class="form" onSubmit={save} data-testid="shop-form" noValidate>
          <Field label="店铺名称" name="name" error={errors.name} counter={`${name.length}/${MAX_NAME}`}
            hint="显示在顾客聊天窗口的顶部">
            <input
              id="field-name"
              data-testid="shop-name"
              value={name}
              readOnly={readOnly}
              onInput={(e) => edit('name', setName, (e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field
            label="欢迎语"
            name="greeting_template"
            error={errors.greeting_template}
            counter={`${greeting.length}/${MAX_GREETING}`}
          >
            <textarea
              id="field-greeting_template"
              data-testid="shop-greeting"
              rows={5}
              ref={greetingBox}
              value={greeting}
              readOnly={readOnly}
              onInput={(e) => edit('greeting_template', setGreeting, (e.target as HTMLTextAreaElement).value)}
            />
          </Field>
          <div class="placeholders">
            <div>
              <code>{'{shop}'}</code> 会替换为店铺名称（现在是“{name || shop.name}”）
              {!readOnly && (
                <button type="button" class="text-button" data-testid="insert-shop" onClick={() => insert('{shop}')}>
                  插入
                </button>
              )}
            </div>
            <div>
              <code>{'{agent}'}</code> 会替换为接待者的名字：顾客进店时由机器人接待，即“{BOT_NAME}”
              {!readOnly && (
                <button type="button" class="text-button" data-testid="insert-agent" onClick={() => insert('{agent}')}>
                  插入
                </button>
              )}
            </div>
          </div>
          <FormError message={formMessage} testid="shop-form-error" />
          {!readOnly && (
            <div class="form-foot">
              <button
                type="button"
                class="secondary"
                data-testid="shop-reset"
                disabled={!dirty || busy}
                onClick={() => {
                  setName(shop.name);
                  setGreeting(shop.greeting_template);
                  reset();
                }}
              >
                还原
              </button>
              <button type="submit" class="primary" data-testid="shop-save" disabled={busy || !dirty}>
                {busy ? '保存中…' : '保存'}
              </button>
            </div>
          )}
        </form>
      </section>
      <section class="panel preview-panel">
        <h2>预览</h2>
        <p class="muted small-text">新顾客打开聊天窗口时看到的第一条消息：</p>
        <div class="phone" data-testid="shop-preview">
          <div class="phone-head" data-testid="shop-preview-title">
            {name || shop.name}
          </div>
          <div class="phone-body">
            <div class="bubble-meta">{BOT_NAME}</div>
            <div class="bubble" data-testid="shop-preview-greeting">
              {renderGreeting(greeting, name || shop.name)}
            </div>
          </div>
        </div>
      </section>
    </div>
  );
}
