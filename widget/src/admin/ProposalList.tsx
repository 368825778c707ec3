// 客服回答中的新问法: when an agent answered with an FAQ suggestion, the shopper's words are
// proposed as a similar question of that entry. Nothing is added until 采纳 here.
import { useEffect, useState } from 'preact/hooks';
import { dateTime } from '../shared/format';
import type { FaqProposal } from '../shared/learning';
import { adminApi } from './api';
import { errorText } from './errors';
import { LoadState, useAdmin } from './ui';

export function ProposalList({ onTaught }: { onTaught: () => void }) {
  const admin = useAdmin();
  const [items, setItems] = useState<FaqProposal[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await adminApi.proposals(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const decide = async (p: FaqProposal, approve: boolean) => {
    setBusy(p.id);
    try {
      await adminApi.proposalDecide(admin.token, p.id, approve);
      setItems((list) => (list ?? []).filter((x) => x.id !== p.id));
      if (approve) {
        admin.edited();
        onTaught();
      }
      admin.toast(approve ? `已加为“${p.faq.question}”的相似问法` : '已不采纳，不会再次推荐');
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="panel learn-panel" data-testid="proposal-panel">
      <h2>从客服回答中学到的问法</h2>
      <p class="muted small-text page-note">客服用知识库推荐回复了顾客，顾客的原话可作为该问答的相似问法，采纳后机器人即可自动回答。</p>
      {items === null ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : items.length === 0 ? (
        <div class="empty" data-testid="proposal-empty">
          暂时没有待审核的问法。
        </div>
      ) : (
        <ul class="gap-list" data-testid="proposal-list">
          {items.map((p) => (
            <li class="gap-card" key={p.id} data-testid="proposal-item" data-proposal-id={p.id}>
              <div class="gap-head">
                <b data-testid="proposal-text">{p.text}</b>
                {p.times > 1 && <span class="count-badge">{p.times} 次</span>}
              </div>
              <div class="small-text">
                加入问答：<span data-testid="proposal-entry">{p.faq.question}</span>
              </div>
              <div class="muted small-text">
                {p.agent.name} 回答 · {dateTime(p.last_seen_at)}
              </div>
              <div class="gap-actions">
                <button type="button" class="primary small" data-testid="proposal-approve" disabled={busy === p.id} onClick={() => void decide(p, true)}>
                  采纳
                </button>
                <button type="button" class="secondary small" data-testid="proposal-reject" disabled={busy === p.id} onClick={() => void decide(p, false)}>
                  不采纳
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
