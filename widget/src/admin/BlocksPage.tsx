// 拒访名单: the shop's blocked shoppers (who blocked them, when, why) and 解除拉黑, for
// supervisors and admins. Agents block from the chat header of the agent panel.
import { useEffect, useState } from 'preact/hooks';
import type { Block } from '../shared/types';
import { dateTime } from '../shared/format';
import { adminApi } from './api';
import { errorText } from './errors';
import { Confirm, LoadState, useAdmin } from './ui';

export function BlocksPage() {
  const admin = useAdmin();
  const [items, setItems] = useState<Block[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lifting, setLifting] = useState<Block | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await adminApi.blocks(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`拒访名单加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const unblock = async () => {
    if (!lifting) return;
    setBusy(true);
    try {
      await adminApi.unblock(admin.token, lifting.id);
      setItems((list) => (list ?? []).filter((b) => b.id !== lifting.id));
      admin.toast(`已解除对顾客 ${lifting.visitor.name} 的拉黑`);
      setLifting(null);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="single-page">
      <section class="panel">
        <p class="muted small-text page-note">
          被拉黑的顾客发消息只会收到机器人的固定回复，不会进入排队；解除拉黑后，顾客下次发消息即恢复正常服务。
        </p>
        {items === null ? (
          <LoadState error={loadError} onRetry={() => void load()} />
        ) : (
          <div class="table-wrap">
            <table class="table" data-testid="block-table">
              <thead>
                <tr>
                  <th>顾客</th>
                  <th>原因</th>
                  <th>操作人</th>
                  <th>拉黑时间</th>
                  <th class="col-actions">操作</th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr key={b.id} data-testid="block-row" data-block-id={b.id}>
                    <td data-testid="block-row-visitor">
                      {b.visitor.name}
                      <div class="muted small-text">会话 #{b.conversation_id}</div>
                    </td>
                    <td class="phrase-text" data-testid="block-row-reason">
                      {b.reason}
                    </td>
                    <td data-testid="block-row-by">{b.blocked_by.name}</td>
                    <td data-testid="block-row-time">{dateTime(b.created_at)}</td>
                    <td class="col-actions">
                      <button type="button" class="secondary small" data-testid="block-unblock" onClick={() => setLifting(b)}>
                        解除拉黑
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {items.length === 0 && (
              <div class="empty" data-testid="block-empty">
                拒访名单是空的。
              </div>
            )}
          </div>
        )}
      </section>
      {lifting && (
        <Confirm
          title="解除拉黑"
          confirmText="解除拉黑"
          busy={busy}
          onConfirm={() => void unblock()}
          onCancel={() => setLifting(null)}
        >
          确定解除对顾客「{lifting.visitor.name}」的拉黑吗？解除后该顾客可以正常咨询和转人工。
        </Confirm>
      )}
    </div>
  );
}
