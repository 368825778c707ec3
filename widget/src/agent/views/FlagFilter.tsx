// Over 我的会话: show all my chats, or only those with one flag. The queue is never filtered:
// a waiting shopper must not drop out of sight.
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { FLAGS, flagTitle } from './flags';

export function FlagFilter({ desk }: { desk: AgentDesk }) {
  const chosen = useStore(desk.store, (s) => s.flagFilter);
  return (
    <div class="flag-filter" role="group" aria-label="按标记筛选" data-testid="flag-filter" data-flag={chosen ?? 'all'}>
      <span class="muted small-text">按标记</span>
      <button
        type="button"
        class={`flag-all ${chosen === null ? 'chosen' : ''}`}
        data-testid="flag-filter-option"
        data-flag="all"
        aria-pressed={chosen === null}
        onClick={() => desk.annotations.setFilter(null)}
      >
        全部
      </button>
      {FLAGS.map((f) => (
        <button
          type="button"
          key={f}
          class={`flag-dot flag-${f} ${chosen === f ? 'chosen' : ''}`}
          data-testid="flag-filter-option"
          data-flag={f}
          title={`只看${flagTitle(f)}`}
          aria-label={`只看${flagTitle(f)}`}
          aria-pressed={chosen === f}
          onClick={() => desk.annotations.setFilter(chosen === f ? null : f)}
        />
      ))}
    </div>
  );
}
