// A reply of mine not stored yet: 发送中, waiting for the network, or failed with 重试.
import type { Outgoing } from '../../shared/outbox';
import { errorText } from '../errorText';

export function PendingRow({ o, onRetry }: { o: Outgoing; onRetry: () => void }) {
  const failed = o.state === 'failed';
  return (
    <div class="msg msg-mine" data-testid="agent-message" data-sender="agent" data-state={failed ? 'failed' : 'sending'}>
      <div class="msg-meta">
        {failed ? (
          <>
            <span class="failed">{errorText(o.error)}</span>{' '}
            <button type="button" class="link" data-testid="agent-message-retry" onClick={onRetry}>
              重试
            </button>
          </>
        ) : o.state === 'queued' ? (
          '等待网络，恢复后自动发送…'
        ) : (
          '发送中…'
        )}
      </div>
      <div class={`msg-bubble ${failed ? 'failed-bubble' : 'pending'}`}>
        <span class="text" data-testid="agent-message-text">
          {o.text}
        </span>
      </div>
    </div>
  );
}
