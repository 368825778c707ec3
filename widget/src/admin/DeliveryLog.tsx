// 投递记录: the newest webhook deliveries with their status, attempts and the receiver's
// answer (cut to 500 characters by the server). Refreshed on demand and while any is pending:
// every 1.5 s while one is about to go, else when the soonest retry is due (at most a minute).
import { useEffect, useRef, useState } from 'preact/hooks';
import { dateTime } from '../shared/format';
import { errorText } from './errors';
import { eventLabel, integrationsApi, type Delivery } from './integrationsApi';
import { LoadState, useAdmin } from './ui';

const STATUS_TEXT: Record<Delivery['status'], string> = { delivered: '已送达', pending: '待重试', failed: '已放弃' };
const REFRESH_MS = 1500;
// A row this close to its attempt (or never tried) is followed closely.
const SOON_MS = 5000;
const SLOW_MS = 60_000;

/** When to look again (ms), or null when nothing is pending. */
function nextRefresh(list: Delivery[], now: number): number | null {
  const due = list
    .filter((d) => d.status === 'pending')
    .map((d) => (d.attempts === 0 || d.next_attempt_at === null ? now : Date.parse(d.next_attempt_at)));
  if (due.length === 0) return null;
  const wait = Math.min(...due) - now;
  return wait <= SOON_MS ? REFRESH_MS : Math.min(wait, SLOW_MS);
}

export function DeliveryLog({ version }: { version: number }) {
  const admin = useAdmin();
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const timer = useRef<number>();
  // False once unmounted: a fetch still in flight then schedules nothing.
  const alive = useRef(true);

  const load = async () => {
    setLoadError(null);
    window.clearTimeout(timer.current);
    try {
      const list = (await integrationsApi.deliveries(admin.token)).items;
      if (!alive.current) return;
      setItems(list);
      // Follow deliveries under way until they settle.
      const wait = nextRefresh(list, Date.now());
      window.clearTimeout(timer.current);
      if (wait !== null) timer.current = window.setTimeout(() => void load(), wait);
    } catch (e) {
      if (!admin.expired(e) && alive.current) setLoadError(`投递记录加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
    };
  }, [version]);

  return (
    <section class="panel" data-testid="delivery-log">
      <div class="panel-head">
        <h2>投递记录</h2>
        <span class="spacer" />
        <button type="button" class="secondary small" data-testid="delivery-refresh" onClick={() => void load()}>
          刷新
        </button>
      </div>
      {items === null ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="delivery-table">
            <thead>
              <tr>
                <th>时间</th>
                <th>事件</th>
                <th>状态</th>
                <th>尝试次数</th>
                <th>响应</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status} data-event-type={d.event_type}>
                  <td class="small-text">{dateTime(d.created_at)}</td>
                  <td class="small-text">
                    {eventLabel(d.event_type)}
                    <div class="muted mono">{d.event_id.slice(0, 8)}</div>
                  </td>
                  <td>
                    <span class="delivery-status" data-status={d.status} data-testid="delivery-status">
                      {STATUS_TEXT[d.status]}
                    </span>
                  </td>
                  <td data-testid="delivery-attempts">{d.attempts}</td>
                  <td class="small-text" data-testid="delivery-response">
                    {d.response_status !== null && <div>HTTP {d.response_status}</div>}
                    {d.error && <div class="danger-text">{d.error}</div>}
                    {d.response_body && <div class="response-text">{d.response_body}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && <div class="empty">还没有投递记录。</div>}
        </div>
      )}
    </section>
  );
}
