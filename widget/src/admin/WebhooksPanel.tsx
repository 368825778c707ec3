// Webhook 接收地址: where the shop's systems hear of conversations, each with its events and
// signing secret; 发送测试 queues a test delivery that shows in the log below.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from './errors';
import { EVENT_TYPES, eventLabel, integrationsApi, type Endpoint } from './integrationsApi';
import { Confirm, Dialog, Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

export function WebhooksPanel({ onTestSent }: { onTestSent: () => void }) {
  const admin = useAdmin();
  const [items, setItems] = useState<Endpoint[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<Endpoint | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await integrationsApi.endpoints(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`接收地址加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const sendTest = async (endpoint: Endpoint) => {
    try {
      await integrationsApi.sendTest(admin.token, endpoint.id);
      admin.toast('测试消息已加入发送队列');
      onTestSent();
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    try {
      await integrationsApi.deleteEndpoint(admin.token, removing.id);
      setItems((list) => (list ?? []).filter((x) => x.id !== removing.id));
      admin.toast('已删除接收地址');
      setRemoving(null);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" data-testid="webhooks">
      <div class="panel-head">
        <h2>Webhook 接收地址</h2>
        <button type="button" class="primary small" data-testid="webhook-new" onClick={() => setCreating(true)}>
          添加地址
        </button>
      </div>
      <p class="muted small-text page-note">
        会话有变化时，服务器向这些地址发送签名的 JSON 通知（HMAC-SHA256），失败会自动重试一天。地址必须是公网 http/https 地址。
      </p>
      {items === null ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="webhook-table">
            <thead>
              <tr>
                <th>地址</th>
                <th>事件</th>
                <th>签名密钥</th>
                <th class="col-actions">操作</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id} data-testid="webhook-row" data-endpoint-id={w.id}>
                  <td>
                    <code data-testid="webhook-url">{w.url}</code>
                    {w.description && <div class="muted small-text">{w.description}</div>}
                  </td>
                  <td class="small-text">{w.events.map(eventLabel).join('、')}</td>
                  <td>
                    <div class="secret-cell">
                      <code data-testid="webhook-secret">{shown === w.id ? w.secret : '••••••••'}</code>
                      <button type="button" class="text-button" onClick={() => setShown(shown === w.id ? null : w.id)}>
                        {shown === w.id ? '隐藏' : '显示'}
                      </button>
                    </div>
                  </td>
                  <td class="col-actions">
                    <button type="button" class="text-button" data-testid="webhook-test" onClick={() => void sendTest(w)}>
                      发送测试
                    </button>
                    <button type="button" class="text-button danger-text" data-testid="webhook-delete" onClick={() => setRemoving(w)}>
                      删除
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && <div class="empty">还没有接收地址。</div>}
        </div>
      )}
      {creating && (
        <NewEndpointDialog
          onClose={() => setCreating(false)}
          onCreated={(endpoint) => {
            setItems((list) => [...(list ?? []), endpoint]);
            setCreating(false);
            admin.toast('已添加接收地址');
          }}
        />
      )}
      {removing && (
        <Confirm title="删除接收地址" confirmText="删除" busy={busy} onConfirm={() => void remove()} onCancel={() => setRemoving(null)}>
          确定删除「{removing.url}」吗？尚未送达的通知也会一并删除。
        </Confirm>
      )}
    </section>
  );
}

function NewEndpointDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (e: Endpoint) => void }) {
  const admin = useAdmin();
  const [url, setUrl] = useState('https://');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['conversation.created', 'message.created', 'conversation.closed']);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors(['url', 'events', 'description']);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    form.reset();
    try {
      onCreated((await integrationsApi.createEndpoint(admin.token, { url, events, description })).endpoint);
    } catch (err) {
      if (!admin.expired(err)) form.fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="添加 Webhook 接收地址" testid="webhook-dialog" onClose={onClose} wide>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="dialog-body">
          <Field label="接收地址" name="url" error={form.errors.url}>
            <input
              id="field-url"
              maxLength={2000}
              value={url}
              data-testid="webhook-url-input"
              onInput={(e) => form.edit('url', setUrl, e.currentTarget.value)}
            />
          </Field>
          <Field label="备注" name="description" error={form.errors.description}>
            <input
              id="field-description"
              maxLength={200}
              value={description}
              placeholder="例如：订单系统"
              onInput={(e) => form.edit('description', setDescription, e.currentTarget.value)}
            />
          </Field>
          <Field label="订阅的事件" name="events" error={form.errors.events}>
            <div class="check-list">
              {EVENT_TYPES.map((t) => (
                <label key={t.id} class="checkbox">
                  <input
                    type="checkbox"
                    data-testid={`webhook-event-${t.id}`}
                    checked={events.includes(t.id)}
                    onChange={(e) =>
                      form.edit('events', setEvents, e.currentTarget.checked ? [...events, t.id] : events.filter((x) => x !== t.id))
                    }
                  />
                  {t.label}
                </label>
              ))}
            </div>
          </Field>
          <FormError message={form.formMessage} testid="webhook-form-error" />
        </div>
        <div class="dialog-foot">
          <button type="button" class="secondary" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="webhook-create" disabled={busy}>
            {busy ? '保存中…' : '保存'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
