// API 密钥: keys for the shop's own systems. A new key is shown once, in a dialog; the list
// shows only its first characters. Revoking takes effect at once.
import { useEffect, useState } from 'preact/hooks';
import { dateTime } from '../shared/format';
import { errorText } from './errors';
import { integrationsApi, SCOPES, type ApiKey } from './integrationsApi';
import { Confirm, Dialog, Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

export function ApiKeysPanel() {
  const admin = useAdmin();
  const [items, setItems] = useState<ApiKey[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await integrationsApi.keys(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`密钥列表加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      const { key } = await integrationsApi.revokeKey(admin.token, revoking.id);
      setItems((list) => (list ?? []).map((k) => (k.id === key.id ? key : k)));
      admin.toast(`已撤销密钥「${key.name}」`);
      setRevoking(null);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" data-testid="api-keys">
      <div class="panel-head">
        <h2>API 密钥</h2>
        <button type="button" class="primary small" data-testid="api-key-new" onClick={() => setCreating(true)}>
          新建密钥
        </button>
      </div>
      <p class="muted small-text page-note">
        供店铺自己的系统（订单系统、CRM）调用集成接口，请求头为 <code>Authorization: Bearer 密钥</code>。
      </p>
      {items === null ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="api-key-table">
            <thead>
              <tr>
                <th>名称</th>
                <th>密钥开头</th>
                <th>权限</th>
                <th>最近使用</th>
                <th class="col-actions">操作</th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={k.id} data-testid="api-key-row" data-revoked={k.revoked_at ? 'true' : 'false'}>
                  <td data-testid="api-key-name">{k.name}</td>
                  <td>
                    <code data-testid="api-key-prefix">{k.prefix}…</code>
                  </td>
                  <td class="small-text">{k.scopes.map((s) => SCOPES.find((x) => x.id === s)?.label ?? s).join('、')}</td>
                  <td class="small-text">{k.last_used_at ? dateTime(k.last_used_at) : '从未使用'}</td>
                  <td class="col-actions">
                    {k.revoked_at ? (
                      <span class="muted small-text">已撤销</span>
                    ) : (
                      <button type="button" class="text-button danger-text" data-testid="api-key-revoke" onClick={() => setRevoking(k)}>
                        撤销
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && <div class="empty">还没有 API 密钥。</div>}
        </div>
      )}
      {creating && (
        <NewKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(key, shown) => {
            setItems((list) => [key, ...(list ?? [])]);
            setCreating(false);
            setSecret(shown);
          }}
        />
      )}
      {secret && (
        <Dialog title="请保存新密钥" testid="api-key-secret-dialog" onClose={() => setSecret(null)}>
          <div class="dialog-body">
            <p>密钥只显示这一次，关闭后无法再次查看。请立即复制并妥善保存。</p>
            <input class="mono secret-input" readOnly value={secret} data-testid="api-key-secret" onFocus={(e) => e.currentTarget.select()} />
          </div>
          <div class="dialog-foot">
            <button type="button" class="primary" data-testid="api-key-secret-done" onClick={() => setSecret(null)}>
              我已保存
            </button>
          </div>
        </Dialog>
      )}
      {revoking && (
        <Confirm title="撤销密钥" confirmText="撤销" busy={busy} onConfirm={() => void revoke()} onCancel={() => setRevoking(null)}>
          确定撤销密钥「{revoking.name}」吗？使用它的系统将立即无法调用接口。
        </Confirm>
      )}
    </section>
  );
}

function NewKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (key: ApiKey, secret: string) => void }) {
  const admin = useAdmin();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['conversations:read']);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors(['name', 'scopes']);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    form.reset();
    try {
      const { key, secret } = await integrationsApi.createKey(admin.token, name, scopes);
      onCreated(key, secret);
    } catch (err) {
      if (!admin.expired(err)) form.fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="新建 API 密钥" testid="api-key-dialog" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <div class="dialog-body">
          <Field label="名称" name="name" error={form.errors.name}>
            <input
              id="field-name"
              maxLength={64}
              value={name}
              placeholder="例如：订单系统"
              data-testid="api-key-name-input"
              onInput={(e) => form.edit('name', setName, e.currentTarget.value)}
            />
          </Field>
          <Field label="权限" name="scopes" error={form.errors.scopes}>
            <div class="check-list">
              {SCOPES.map((s) => (
                <label key={s.id} class="checkbox">
                  <input
                    type="checkbox"
                    data-testid={`api-key-scope-${s.id}`}
                    checked={scopes.includes(s.id)}
                    onChange={(e) =>
                      form.edit('scopes', setScopes, e.currentTarget.checked ? [...scopes, s.id] : scopes.filter((x) => x !== s.id))
                    }
                  />
                  {s.label} <code class="muted">{s.id}</code>
                </label>
              ))}
            </div>
          </Field>
          <FormError message={form.formMessage} testid="api-key-form-error" />
        </div>
        <div class="dialog-foot">
          <button type="button" class="secondary" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="api-key-create" disabled={busy}>
            {busy ? '创建中…' : '创建'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
