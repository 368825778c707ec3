// The open chat's flag in its header: five coloured dots (their meanings as tooltips) and 清除.
// The flag is shared with the shop's other agents and never shown to the shopper.
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { FLAGS, flagTitle } from './flags';

export function FlagPicker({ desk, id }: { desk: AgentDesk; id: number }) {
  const flag = useStore(desk.store, (s) => s.chats[id]?.conversation.flag ?? null);
  return (
    <div class="flag-picker" role="group" aria-label="标记" data-testid="flag-picker" data-flag={flag ?? ''}>
      <span class="flag-label" data-testid="chat-flag-label">
        {flag ? flagTitle(flag) : '未标记'}
      </span>
      {FLAGS.map((f) => (
        <button
          type="button"
          key={f}
          class={`flag-dot flag-${f} ${flag === f ? 'chosen' : ''}`}
          data-testid="flag-option"
          data-flag={f}
          title={flagTitle(f)}
          aria-label={flagTitle(f)}
          aria-pressed={flag === f}
          onClick={() => void desk.annotations.setFlag(id, f)}
        />
      ))}
      <button
        type="button"
        class="link flag-clear"
        data-testid="flag-clear"
        title="清除标记"
        disabled={!flag}
        onClick={() => void desk.annotations.setFlag(id, null)}
      >
        清除
      </button>
    </div>
  );
}
