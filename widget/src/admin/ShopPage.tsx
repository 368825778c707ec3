// 店铺设置: the shop's name, the greeting every new shopper gets from the bot and the farewell
// sent when an agent ends a chat, with a live preview of both. Admins edit; supervisors read.
import { useEffect, useState } from 'preact/hooks';
import { renderTemplate } from '../shared/template';
import type { ShopSettings } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { TemplateField } from './TemplateField';
import { Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

/** The bot greets under this name (chatserver BOT_NAME): what {agent} becomes in the greeting. */
const BOT_NAME = '智能助手';
const MAX_NAME = 100;
const SHOP_FIELDS = ['name', 'greeting_template', 'farewell_template'] as const;

export function ShopPage() {
  const admin = useAdmin();
  const [shop, setShop] = useState<ShopSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [greeting, setGreeting] = useState('');
  const [farewell, setFarewell] = useState('');
  const { errors, formMessage, edit, fail, reset } = useFormErrors(SHOP_FIELDS);
  const [busy, setBusy] = useState(false);
  const readOnly = !admin.isAdmin;

  const load = async () => {
    setLoadError(null);
    try {
      const s = (await adminApi.shop(admin.token)).shop;
      setShop(s);
      setName(s.name);
      setGreeting(s.greeting_template);
      setFarewell(s.farewell_template);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`店铺设置加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    reset();
    try {
      const s = (
        await adminApi.shopUpdate(admin.token, { name, greeting_template: greeting, farewell_template: farewell })
      ).shop;
      setShop(s);
      setName(s.name);
      setGreeting(s.greeting_template);
      setFarewell(s.farewell_template);
      admin.setShopName(s.name);
      admin.toast('店铺设置已保存：新进店的顾客会看到新的欢迎语，结束会话时发送新的结束语');
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

  const dirty = name !== shop.name || greeting !== shop.greeting_template || farewell !== shop.farewell_template;
  const shopName = name || shop.name;
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
          <TemplateField
            label="欢迎语"
            name="greeting_template"
            testid="shop-greeting"
            value={greeting}
            error={errors.greeting_template}
            readOnly={readOnly}
            onChange={(v) => edit('greeting_template', setGreeting, v)}
            placeholders={[
              { name: 'shop', help: `会替换为店铺名称（现在是“${shopName}”）`, testid: 'insert-shop' },
              {
                name: 'agent',
                help: `会替换为接待者的名字：顾客进店时由机器人接待，即“${BOT_NAME}”`,
                testid: 'insert-agent',
              },
            ]}
          />
          <TemplateField
            label="结束语"
            name="farewell_template"
            testid="shop-farewell"
            value={farewell}
            error={errors.farewell_template}
            readOnly={readOnly}
            onChange={(v) => edit('farewell_template', setFarewell, v)}
            placeholders={[
              { name: 'shop', help: '会替换为店铺名称', testid: 'insert-farewell-shop' },
              { name: 'agent', help: '会替换为结束会话的客服的名字', testid: 'insert-farewell-agent' },
            ]}
          />
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
                  setFarewell(shop.farewell_template);
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
            {shopName}
          </div>
          <div class="phone-body">
            <div class="bubble-meta">{BOT_NAME}</div>
            <div class="bubble" data-testid="shop-preview-greeting">
              {renderTemplate(greeting, { shop: shopName, agent: BOT_NAME })}
            </div>
          </div>
        </div>
        <p class="muted small-text">客服结束会话时顾客看到的最后一条消息（以客服“{admin.agent.name}”为例）：</p>
        <div class="phone" data-testid="shop-preview-end">
          <div class="phone-body short">
            <div class="system-line">
              <span data-testid="shop-preview-farewell">
                {renderTemplate(farewell, { shop: shopName, agent: admin.agent.name })}
              </span>
            </div>
          </div>
        </div>
      </section>
    </div>
  );
}
