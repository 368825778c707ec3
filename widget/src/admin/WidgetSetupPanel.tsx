// 网页接入 on the 店铺设置 page: the pre-chat fields and the proactive invitation (admins edit,
// supervisors read), and for admins the identity secret the shop's server signs its customers'
// ids with for identify() (shown on request, rotatable), with a signing example.
import { useEffect, useState } from 'preact/hooks';
import type { PrechatRequirement, WidgetSettings } from '../shared/shopperContext';
import { errorText } from './errors';
import { Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';
import { widgetSetupApi } from './widgetSetupApi';

const PRECHAT = [
  { name: 'name', label: '称呼' },
  { name: 'phone', label: '手机号' },
  { name: 'order_no', label: '订单号' },
] as const;
const REQUIREMENTS: { id: PrechatRequirement; label: string }[] = [
  { id: 'off', label: '不询问' },
  { id: 'optional', label: '选填' },
  { id: 'required', label: '必填' },
];
const FIELDS = ['prechat.name', 'prechat.phone', 'prechat.order_no', 'invite.enabled', 'invite.delay_seconds', 'invite.text'];

export function WidgetSetupPanel() {
  const admin = useAdmin();
  const [settings, setSettings] = useState<WidgetSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { errors, formMessage, fail, reset } = useFormErrors(FIELDS);
  const [busy, setBusy] = useState(false);
  const readOnly = !admin.isAdmin;

  const load = async () => {
    setLoadError(null);
    try {
      setSettings((await widgetSetupApi.settings(admin.token)).settings);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`网页接入设置加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  if (!settings) {
    return (
      <section class="panel">
        <LoadState error={loadError} onRetry={() => void load()} />
      </section>
    );
  }
  const invite = settings.invite;
  const setInvite = (patch: Partial<WidgetSettings['invite']>) => setSettings({ ...settings, invite: { ...invite, ...patch } });

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    reset();
    try {
      setSettings((await widgetSetupApi.saveSettings(admin.token, settings)).settings);
      admin.toast('网页接入设置已保存：顾客下次打开页面时生效');
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel widget-setup" data-testid="widget-setup">
      <h2>网页接入</h2>
      <form class="form" onSubmit={save} data-testid="widget-settings-form" noValidate>
        <h3 class="setup-heading">咨询前信息</h3>
        <p class="muted small-text">顾客发送第一条消息前需要填写的信息，设为“必填”时不填写无法开始咨询。</p>
        {PRECHAT.map((f) => (
          <Field key={f.name} label={f.label} name={`prechat.${f.name}`} error={errors[`prechat.${f.name}`]}>
            <select
              id={`field-prechat.${f.name}`}
              data-testid={`prechat-setting-${f.name}`}
              disabled={readOnly}
              value={settings.prechat[f.name]}
              onChange={(e) =>
                setSettings({
                  ...settings,
                  prechat: { ...settings.prechat, [f.name]: (e.target as HTMLSelectElement).value as PrechatRequirement },
                })
              }
            >
              {REQUIREMENTS.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
        ))}
        <h3 class="setup-heading">主动邀请</h3>
        <label class="check">
          <input
            type="checkbox"
            data-testid="invite-enabled"
            disabled={readOnly}
            checked={invite.enabled}
            onChange={(e) => setInvite({ enabled: (e.target as HTMLInputElement).checked })}
          />
          顾客在页面停留一段时间后，自动打开聊天窗口（每次访问最多一次）
        </label>
        <Field label="停留秒数" name="invite.delay_seconds" error={errors['invite.delay_seconds']} hint="3 到 600 秒">
          <input
            id="field-invite.delay_seconds"
            data-testid="invite-delay"
            type="number"
            min={3}
            max={600}
            disabled={readOnly || !invite.enabled}
            value={invite.delay_seconds}
            onInput={(e) => setInvite({ delay_seconds: Number((e.target as HTMLInputElement).value) })}
          />
        </Field>
        <Field label="邀请语" name="invite.text" error={errors['invite.text']} counter={`${invite.text.length}/100`}>
          <input
            id="field-invite.text"
            data-testid="invite-text"
            maxLength={100}
            disabled={readOnly || !invite.enabled}
            value={invite.text}
            onInput={(e) => setInvite({ text: (e.target as HTMLInputElement).value })}
          />
        </Field>
        <FormError message={formMessage} testid="widget-settings-error" />
        {!readOnly && (
          <div class="form-foot">
            <button type="submit" class="primary" data-testid="widget-settings-save" disabled={busy}>
              {busy ? '保存中…' : '保存'}
            </button>
          </div>
        )}
      </form>
      {admin.isAdmin && <IdentitySecretBox />}
    </section>
  );
}

function IdentitySecretBox() {
  const admin = useAdmin();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const run = async (rotate: boolean) => {
    setError(null);
    try {
      const shown = rotate ? await widgetSetupApi.rotateSecret(admin.token) : await widgetSetupApi.secret(admin.token);
      setSecret(shown.secret);
      setConfirming(false);
      if (rotate) admin.toast('已更换密钥：请尽快在贵店服务器上换用新密钥，旧密钥的签名已失效');
    } catch (e) {
      if (!admin.expired(e)) setError(`操作失败：${errorText(e)}`);
    }
  };

  return (
    <div class="identity-secret" data-testid="identity-secret">
      <h3 class="setup-heading">顾客身份验证</h3>
      <p class="muted small-text">
        贵店服务器用此密钥对登录顾客的 ID 计算 HMAC-SHA256 签名，页面调用 chatserver.identify() 时一并传入。
        请勿把密钥写进网页代码。
      </p>
      {secret ? (
        <code class="secret-value" data-testid="identity-secret-value">
          {secret}
        </code>
      ) : (
        <button type="button" class="secondary" data-testid="identity-secret-show" onClick={() => void run(false)}>
          显示密钥
        </button>
      )}
      {secret && (
        <pre class="code-sample">{`# Python：在贵店服务器上生成签名
import hmac, hashlib
signature = hmac.new(SECRET.encode(), customer_id.encode(), hashlib.sha256).hexdigest()`}</pre>
      )}
      <div class="form-foot">
        {confirming ? (
          <>
            <span class="small-text">更换后旧签名立即失效，确定更换吗？</span>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              取消
            </button>
            <button type="button" class="danger-solid" data-testid="identity-secret-rotate-confirm" onClick={() => void run(true)}>
              确定更换
            </button>
          </>
        ) : (
          <button type="button" class="secondary" data-testid="identity-secret-rotate" onClick={() => setConfirming(true)}>
            更换密钥
          </button>
        )}
      </div>
      {error && (
        <div class="form-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
