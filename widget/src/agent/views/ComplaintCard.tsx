// 投诉记录 in the side panel: the chat's complaints (level, status, matter, demand, what was done,
// the result, who did what when) with edit / 升级 / 结案, and 「登记投诉」. Staff only, and marked
// so; everything shown is text typed by people, rendered as text nodes.
import { useState } from 'preact/hooks';
import { LEVEL_NAMES, TOP_LEVEL, type Complaint, type ComplaintLevel } from '../../shared/complaints';
import { dateTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { ComplaintEditForm, EscalateForm, SettleForm } from './ComplaintForms';

const NONE: Complaint[] = [];
const HISTORY_TEXT: Record<string, string> = { opened: '登记', edited: '修改', escalated: '升级', resolved: '解决', closed: '关闭' };

type Mode = 'view' | 'edit' | 'escalate' | 'settle';

function ComplaintItem({ desk, c, mayAct, supervising }: { desk: AgentDesk; c: Complaint; mayAct: boolean; supervising: boolean }) {
  const [mode, setMode] = useState<Mode>('view');
  const done = () => setMode('view');
  const open = c.status === 'open';
  return (
    <li class={`complaint level-${c.level}`} data-testid="complaint-item" data-complaint-id={c.id} data-level={c.level} data-status={c.status}>
      <div class="complaint-head">
        <span class={`tag complaint-level level-${c.level}`} data-testid="complaint-level">
          {c.level_name}
        </span>
        <span class={`tag ${open ? 'tag-red' : ''}`} data-testid="complaint-status">
          {c.status_name}
        </span>
        <span class="muted small-text">{dateTime(c.created_at)}</span>
      </div>
      <dl class="complaint-fields">
        <dt>事由</dt>
        <dd class="text" data-testid="complaint-matter-text">
          {c.matter}
        </dd>
        <dt>诉求</dt>
        <dd class="text">{[c.demand.kind_name, c.demand.text].filter(Boolean).join('：') || '—'}</dd>
        <dt>处理</dt>
        <dd class="text">{c.handling || '—'}</dd>
        {c.result && (
          <>
            <dt>结果</dt>
            <dd class="text">{c.result}</dd>
          </>
        )}
        <dt>负责</dt>
        <dd>{c.agent?.name ?? '待接手'}</dd>
      </dl>
      <ol class="complaint-history small-text" data-testid="complaint-history">
        {c.history.map((e) => (
          <li key={e.id}>
            {dateTime(e.created_at)} {e.by.name} {HISTORY_TEXT[e.type] ?? e.type}
            {e.type === 'escalated' ? `至${LEVEL_NAMES[e.data.to as ComplaintLevel] ?? ''}` : ''}
          </li>
        ))}
      </ol>
      {open && mayAct && mode === 'view' && (
        <div class="complaint-actions">
          <button type="button" class="ghost small" data-testid="complaint-edit" onClick={() => setMode('edit')}>
            编辑
          </button>
          {c.level < TOP_LEVEL && (
            <button type="button" class="ghost small" data-testid="complaint-escalate" onClick={() => setMode('escalate')}>
              升级
            </button>
          )}
          {(supervising || c.level === 0) && (
            <button type="button" class="ghost small" data-testid="complaint-settle" onClick={() => setMode('settle')}>
              结案
            </button>
          )}
        </div>
      )}
      {mode === 'edit' && <ComplaintEditForm desk={desk} id={c.conversation_id} complaint={c} onDone={done} />}
      {mode === 'escalate' && <EscalateForm desk={desk} complaint={c} supervising={supervising} onDone={done} />}
      {mode === 'settle' && <SettleForm desk={desk} complaint={c} onDone={done} />}
    </li>
  );
}

export function ComplaintCard({ desk, id }: { desk: AgentDesk; id: number }) {
  const complaints = useStore(desk.store, (s) => s.chats[id]?.complaints ?? NONE);
  const ended = useStore(desk.store, (s) => !!s.chats[id]?.ended);
  const me = useStore(desk.store, (s) => s.agent);
  const supervising = me.role === 'supervisor' || me.role === 'admin';
  // The server decides; this only hides what it would refuse: after the chat ended, an agent
  // still follows up the complaints they are responsible for (谁的顾客谁跟进).
  const mayOpen = supervising || !ended;
  const mayAct = (c: Complaint) => mayOpen || c.agent?.id === me.id;
  const [opening, setOpening] = useState(false);
  return (
    <section class="card complaint-card" data-testid="complaints">
      <h3>
        投诉记录
        <span class="tag tag-internal">仅内部可见</span>
      </h3>
      {complaints.length === 0 && !opening && <p class="empty-note">本会话没有投诉记录</p>}
      <ul class="complaint-list" data-testid="complaint-list">
        {complaints.map((c) => (
          <ComplaintItem key={c.id} desk={desk} c={c} mayAct={mayAct(c)} supervising={supervising} />
        ))}
      </ul>
      {opening ? (
        <ComplaintEditForm desk={desk} id={id} onDone={() => setOpening(false)} />
      ) : (
        mayOpen && (
          <button type="button" class="primary small" data-testid="complaint-open" onClick={() => setOpening(true)}>
            登记投诉
          </button>
        )
      )}
    </section>
  );
}
