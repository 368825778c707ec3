// The right pane: who the shopper is, 内部备注 (staff-only notes), 推荐回复 (suggested answers for their last question), 快捷语
// (the shop's standard phrases, filtered by the server's search) and 历史会话. A click inserts into the draft; the
// Alt+digit numbers follow the same order (suggestions, then unfiltered phrases).
import { useState } from 'preact/hooks';
import { dateTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { usePhraseFilter } from '../phraseSearch';
import { ComplaintCard } from './ComplaintCard';
import { HANDOFF_TEXT } from './labels';
import { NotesCard } from './NotesCard';
import { ShopperContextCard } from './ShopperContextCard';
import { VisitorHistory } from './VisitorHistory';

export function SidePanel({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => {
    const entry = s.chats[id];
    return entry ? { conversation: entry.conversation, ended: entry.ended, suggestions: entry.suggestions } : null;
  });
  const allPhrases = useStore(desk.store, (s) => s.phrases);
  const [filter, setFilter] = useState('');
  const phrases = usePhraseFilter(desk, allPhrases, filter.trim().slice(0, 64));
  if (!chat) return null;
  const { conversation: c, suggestions } = chat;
  const canInsert = !chat.ended;

  let n = 0;
  const key = () => {
    n += 1;
    return n <= 9 ? `Alt+${n}` : '';
  };

  return (
    <aside class="side" data-testid="side-panel">
      <div class="side-head">
        <button type="button" class="ghost" data-testid="side-close" onClick={() => desk.showPane('chat')}>
          返回会话
        </button>
        <b>顾客资料</b>
      </div>
      <section class="card" data-testid="visitor-info">
        <h3>顾客信息</h3>
        <dl>
          <dt>昵称</dt>
          <dd data-testid="visitor-info-name">{c.visitor.name}</dd>
          <dt>顾客ID</dt>
          <dd>{c.visitor.id}</dd>
          {c.visitor.customer && (
            <>
              <dt>会员</dt>
              <dd data-testid="visitor-info-customer">
                {c.visitor.customer.id}
                <span class="tag">已验证</span>
              </dd>
              {c.visitor.customer.phone && (
                <>
                  <dt>手机</dt>
                  <dd>{c.visitor.customer.phone}</dd>
                </>
              )}
            </>
          )}
          <dt>店铺</dt>
          <dd>{c.shop.name}</dd>
          <dt>来源</dt>
          <dd>
            {c.handoff_reason ? HANDOFF_TEXT[c.handoff_reason] ?? c.handoff_reason : '—'}
            {c.priority > 0 && <span class="tag tag-red">优先</span>}
          </dd>
          <dt>开始</dt>
          <dd>{dateTime(c.created_at)}</dd>
        </dl>
      </section>

      <ShopperContextCard visitor={c.visitor} />

      <ComplaintCard key={`complaints-${c.id}`} desk={desk} id={c.id} />

      <NotesCard key={c.id} desk={desk} id={c.id} />

      <section class="card">
        <h3>
          推荐回复 <span class="muted small-text">点击或 Alt+数字 插入</span>
        </h3>
        {suggestions.length === 0 && <p class="empty-note">顾客发来新消息后，这里会给出推荐答案</p>}
        <ul class="insert-list" data-testid="suggestion-list">
          {suggestions.map((x) => (
            <li key={`${x.kind}-${x.id}`}>
              <button
                type="button"
                class="insert"
                data-testid="suggestion-item"
                data-kind={x.kind}
                disabled={!canInsert}
                onClick={() => desk.insert(c.id, x.text, x.kind === 'faq' ? String(x.id) : undefined)}
              >
                <span class="insert-head">
                  <span class="tag">{x.kind === 'faq' ? '知识库' : '快捷语'}</span>
                  {x.title && <b>{x.title}</b>}
                  <kbd>{key()}</kbd>
                </span>
                <span class="insert-text">{desk.fillTemplate(x.text, c)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section class="card">
        <h3>快捷语</h3>
        <input
          class="filter"
          data-testid="phrase-filter"
          placeholder="搜索快捷语"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        {phrases.length === 0 && (
          <p class="empty-note">{filter.trim() ? '没有找到相关的快捷语' : '还没有快捷语'}</p>
        )}
        <ul class="insert-list" data-testid="phrase-list">
          {phrases.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                class="insert"
                data-testid="phrase-item"
                data-phrase-id={p.id}
                disabled={!canInsert}
                onClick={() => desk.insert(c.id, p.text)}
              >
                <span class="insert-head">
                  {p.category && <span class="tag">{p.category}</span>}
                  <b>{p.title}</b>
                  {p.shortcut && <span class="picker-shortcut">/{p.shortcut}</span>}
                  {!filter.trim() && <kbd>{key()}</kbd>}
                </span>
                <span class="insert-text">{desk.fillTemplate(p.text, c)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <VisitorHistory desk={desk} visitorId={c.visitor.id} conversationId={c.id} />
    </aside>
  );
}
