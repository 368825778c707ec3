// 投诉管理: the shop's complaints for supervisors and admins, open ones first by default, with
// their level, how long they have been open, the agent responsible, filtered by level and status.
// Complaints are opened, escalated and settled in the agent panel (the chat's side panel).
import { useEffect, useState } from 'preact/hooks';
import { LEVEL_NAMES, STATUS_NAMES, TOP_LEVEL, type Complaint, type ComplaintLevel, type ComplaintStatus } from '../shared/complaints';
import { dateTime, elapsed } from '../shared/format';
import { adminApi } from './api';
import { ComplaintAction, type ComplaintActionKind } from './ComplaintAction';
import { errorText } from './errors';
import { LoadState, useAdmin } from './ui';

const DAY_MS = 86_400_000;

/** How long it has been open (or was, until settled): "3分12秒", "2小时5分", "3天4小时". */
function age(c: Complaint, now: number): string {
  const until = c.ended_at ? Date.parse(c.ended_at) : now;
  const ms = until - Date.parse(c.created_at);
  if (ms < DAY_MS) return elapsed(c.created_at, until);
  return `${Math.floor(ms / DAY_MS)}天${Math.floor((ms % DAY_MS) / 3_600_000)}小时`;
}

type StatusFilter = ComplaintStatus | 'all';

export function ComplaintsPage() {
  const admin = useAdmin();
  const [status, setStatus] = useState<StatusFilter>('open');
  const [level, setLevel] = useState<ComplaintLevel | null>(null);
  const [items, setItems] = useState<Complaint[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [acting, setActing] = useState<{ kind: ComplaintActionKind; complaint: Complaint } | null>(null);

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await adminApi.complaints(admin.token, status, level)).items);
      setNow(Date.now());
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`投诉列表加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => {
    setItems(null);
    void load();
  }, [status, level]);

  return (
    <div class="single-page">
      <section class="panel">
        <div class="complaint-filters">
          <label>
            状态
            <select data-testid="complaint-filter-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as StatusFilter)}>
              <option value="open">处理中</option>
              <option value="resolved">已解决</option>
              <option value="closed">已关闭</option>
              <option value="all">全部</option>
            </select>
          </label>
          <label>
            级别
            <select
              data-testid="complaint-filter-level"
              value={level ?? ''}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                setLevel(v === '' ? null : (Number(v) as ComplaintLevel));
              }}
            >
              <option value="">全部级别</option>
              {([0, 1, 2, 3] as ComplaintLevel[]).map((l) => (
                <option key={l} value={l}>
                  {LEVEL_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="secondary small" data-testid="complaint-reload" onClick={() => void load()}>
            刷新
          </button>
        </div>
        <p class="muted small-text page-note">级别越高越靠前；同级别中登记越早越靠前。投诉在客服工作台的会话侧栏中登记；主管和管理员可在此升级或结案。</p>
        {items === null ? (
          <LoadState error={loadError} onRetry={() => void load()} />
        ) : (
          <div class="table-wrap">
            <table class="table complaint-table" data-testid="complaint-table">
              <thead>
                <tr>
                  <th class="col-level">级别</th>
                  <th class="col-visitor">顾客</th>
                  <th>投诉事由</th>
                  <th class="col-demand">诉求</th>
                  <th class="col-agent">负责客服</th>
                  <th class="col-age">已持续</th>
                  <th class="col-status">状态</th>
                  <th class="col-actions">操作</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} data-testid="complaint-row" data-complaint-id={c.id} data-level={c.level}>
                    <td>
                      <span class={`level-badge level-${c.level}`} data-testid="complaint-row-level">
                        {c.level_name}
                      </span>
                    </td>
                    <td data-testid="complaint-row-visitor">
                      {c.visitor.name}
                      <div class="muted small-text">会话 #{c.conversation_id}</div>
                    </td>
                    <td class="phrase-text" data-testid="complaint-row-matter">
                      {c.matter}
                    </td>
                    <td class="phrase-text col-demand">{[c.demand.kind_name, c.demand.text].filter(Boolean).join('：') || '—'}</td>
                    <td data-testid="complaint-row-agent">{c.agent?.name ?? '待接手'}</td>
                    <td data-testid="complaint-row-age" title={`登记于 ${dateTime(c.created_at)}`}>
                      {age(c, now)}
                    </td>
                    <td class="col-status" data-testid="complaint-row-status">{STATUS_NAMES[c.status]}</td>
                    <td class="col-actions">
                      {c.status === 'open' && (
                        <>
                          {c.level < TOP_LEVEL && (
                            <button type="button" class="secondary small" data-testid="complaint-row-escalate" onClick={() => setActing({ kind: 'escalate', complaint: c })}>
                              升级
                            </button>
                          )}
                          <button type="button" class="secondary small" data-testid="complaint-row-settle" onClick={() => setActing({ kind: 'settle', complaint: c })}>
                            结案
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {items.length === 0 && (
              <div class="empty" data-testid="complaint-empty">
                没有符合条件的投诉。
              </div>
            )}
          </div>
        )}
      </section>
      {acting && (
        <ComplaintAction
          kind={acting.kind}
          complaint={acting.complaint}
          onCancel={() => setActing(null)}
          onDone={() => {
            setActing(null);
            void load();
          }}
        />
      )}
    </div>
  );
}
