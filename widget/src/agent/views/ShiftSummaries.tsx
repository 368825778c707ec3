// The shift handover summaries (交接记录) left for my groups, shown on login until dismissed.
import { clockTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';

export function ShiftSummaries({ desk }: { desk: AgentDesk }) {
  const summaries = useStore(desk.store, (s) => s.summaries);
  if (summaries.length === 0) return null;
  return (
    <section class="shift-summaries" data-testid="shift-summaries" aria-label="交接记录">
      {summaries.map((s) => (
        <div class="shift-summary" key={s.id} data-testid="shift-summary">
          <div class="small-text">
            <strong>交接记录</strong>
            <span class="muted">
              {' '}
              · {s.author.name} · {clockTime(s.created_at)}
              {s.conversation_ids.length ? ` · 涉及 ${s.conversation_ids.length} 个会话` : ''}
            </span>
          </div>
          <p class="shift-summary-text" data-testid="shift-summary-text">
            {s.text}
          </p>
          <button type="button" class="small ghost" data-testid="shift-summary-dismiss" onClick={() => void desk.handovers.dismissSummary(s.id)}>
            知道了
          </button>
        </div>
      ))}
    </section>
  );
}
