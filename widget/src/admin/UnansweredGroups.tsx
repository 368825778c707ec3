// 未答好的问题: what shoppers asked that the bot could not answer confidently (or answered, and
// the shopper asked for a person right after), grouped by meaning by the server. One click adds
// the question as a similar question of an entry, or starts a new entry prefilled with it; 忽略
// takes the group off the list. Handled groups leave the list.
import { useEffect, useState } from 'preact/hooks';
import { dateTime } from '../shared/format';
import type { UnansweredGroup, UnansweredList } from '../shared/learning';
import type { FaqEntry } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { FaqEditor } from './FaqEditor';
import { LoadState, useAdmin } from './ui';

const PERIODS = [
  { id: '7', label: '近 7 天' },
  { id: '30', label: '近 30 天' },
  { id: 'all', label: '全部' },
];
const OUTCOME_TEXT: Record<string, string> = {
  suggested: '给了选项',
  fallback: '没听懂',
  handoff: '转了人工',
  answered: '已回答',
  chosen: '已回答',
};
const DAY_MS = 86_400_000;

const groupKey = (g: UnansweredGroup) => g.question_ids[0];

export function UnansweredGroups({ entries, onTaught }: { entries: FaqEntry[]; onTaught: () => void }) {
  const admin = useAdmin();
  const [period, setPeriod] = useState('30');
  const [order, setOrder] = useState<'count' | 'recent'>('count');
  const [list, setList] = useState<UnansweredList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState<number | null>(null);
  const [writing, setWriting] = useState<UnansweredGroup | null>(null);

  const load = async () => {
    setLoadError(null);
    const query = new URLSearchParams({ order });
    if (period !== 'all') query.set('from', new Date(Date.now() - Number(period) * DAY_MS).toISOString());
    try {
      setList(await adminApi.unanswered(admin.token, query.toString()));
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), [period, order]);

  const handled = (g: UnansweredGroup, text: string) => {
    setList((l) => (l ? { ...l, groups: l.groups.filter((x) => groupKey(x) !== groupKey(g)) } : l));
    admin.toast(text);
  };

  const act = async (g: UnansweredGroup, run: () => Promise<string>) => {
    setBusy(groupKey(g));
    try {
      handled(g, await run());
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  const addSimilar = (g: UnansweredGroup) =>
    act(g, async () => {
      const faqId = Number(chosen[groupKey(g)] ?? g.candidate?.id);
      const done = await adminApi.unansweredSimilar(admin.token, { question_ids: g.question_ids, faq_id: faqId, text: g.question });
      admin.edited();
      onTaught();
      return `已加为“${done.entry.question}”的相似问法，机器人约 1 秒后生效`;
    });

  const dismiss = (g: UnansweredGroup) =>
    act(g, async () => {
      await adminApi.unansweredDismiss(admin.token, g.question_ids);
      return '已忽略';
    });

  return (
    <section class="panel learn-panel" data-testid="unanswered-panel">
      <div class="toolbar">
        <h2>机器人没答好的问题</h2>
        <div class="spacer" />
        <select aria-label="时间范围" data-testid="unanswered-period" value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value)}>
          {PERIODS.map((p) => (
            <option value={p.id} key={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <select aria-label="排序" data-testid="unanswered-order" value={order} onChange={(e) => setOrder((e.target as HTMLSelectElement).value as 'count' | 'recent')}>
          <option value="count">问得最多</option>
          <option value="recent">最近问到</option>
        </select>
      </div>
      <p class="muted small-text page-note">意思相近的问法已归为一组。加为相似问法或新建问答后，机器人就能回答这类问题。</p>
      {list === null ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : list.groups.length === 0 ? (
        <div class="empty" data-testid="unanswered-empty">
          这段时间没有机器人答不上的问题。
        </div>
      ) : (
        <ul class="gap-list" data-testid="unanswered-list">
          {list.groups.map((g) => {
            const key = groupKey(g);
            const target = chosen[key] ?? (g.candidate ? String(g.candidate.id) : '');
            return (
              <li class="gap-card" key={key} data-testid="gap-group" data-count={g.count}>
                <div class="gap-head">
                  <b data-testid="gap-question">{g.question}</b>
                  <span class="count-badge" data-testid="gap-count">
                    问过 {g.count} 次
                  </span>
                  {g.escalated > 0 && <span class="tag tag-warn">回答后仍转人工 {g.escalated} 次</span>}
                </div>
                <div class="muted small-text">最近一次：{dateTime(g.last_seen_at)}</div>
                <ul class="gap-examples">
                  {g.examples.map((x) => (
                    <li key={x.id} data-testid="gap-example">
                      <span class="gap-example-text">{x.text}</span>
                      <span class="muted small-text">
                        {dateTime(x.created_at)} · {OUTCOME_TEXT[x.outcome] ?? x.outcome}
                      </span>
                    </li>
                  ))}
                </ul>
                <div class="gap-actions">
                  <select
                    aria-label="加入哪条问答"
                    data-testid="gap-entry"
                    value={target}
                    onChange={(e) => setChosen((c) => ({ ...c, [key]: (e.target as HTMLSelectElement).value }))}
                  >
                    <option value="">选择要加入的问答…</option>
                    {entries.map((e) => (
                      <option value={String(e.id)} key={e.id}>
                        {e.question}
                      </option>
                    ))}
                  </select>
                  <button type="button" class="primary small" data-testid="gap-add-similar" disabled={!target || busy === key} onClick={() => void addSimilar(g)}>
                    加为相似问法
                  </button>
                  <button type="button" class="secondary small" data-testid="gap-new-entry" disabled={busy === key} onClick={() => setWriting(g)}>
                    新建问答
                  </button>
                  <button type="button" class="text-button" data-testid="gap-dismiss" disabled={busy === key} onClick={() => void dismiss(g)}>
                    忽略
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {writing && (
        <FaqEditor
          entry={null}
          prefill={writing.question}
          categories={[...new Set(entries.map((e) => e.category).filter(Boolean))]}
          create={(body) => adminApi.unansweredEntry(admin.token, { ...body, question_ids: writing.question_ids })}
          onClose={() => setWriting(null)}
          onSaved={() => {
            admin.edited();
            onTaught();
            handled(writing, '问答已创建，机器人约 1 秒后生效');
            setWriting(null);
          }}
        />
      )}
    </section>
  );
}
