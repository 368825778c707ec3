// 拉黑 in the chat header: a dialog asks for the reason (required, up to 200 characters), then
// a second step asks to confirm, since the chat ends at once and only a supervisor can undo it.
import { useState } from 'preact/hooks';
import { BLOCK_REASON_LIMIT } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';

type Step = 'closed' | 'reason' | 'confirm';

export function BlockButton({ desk, id, visitorName }: { desk: AgentDesk; id: number; visitorName: string }) {
  const [step, setStep] = useState<Step>('closed');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const trimmed = reason.trim();
  const tooLong = trimmed.length > BLOCK_REASON_LIMIT;
  const cancel = () => {
    setStep('closed');
    setReason('');
  };
  const confirm = async () => {
    setBusy(true);
    const done = await desk.block(id, trimmed);
    setBusy(false);
    if (done) cancel();
  };
  return (
    <>
      <button type="button" class="ghost block-button" data-testid="chat-block-button" onClick={() => setStep('reason')}>
        拉黑
      </button>
      {step !== 'closed' && (
        <div class="block-backdrop" onMouseDown={(e) => e.target === e.currentTarget && cancel()}>
          <div class="block-dialog" role="dialog" aria-modal="true" aria-label="拉黑顾客" data-testid="block-dialog">
            <h2 class="block-title">拉黑顾客 {visitorName}</h2>
            {step === 'reason' ? (
              <>
                <label class="block-label" for="block-reason">
                  拉黑原因（必填，顾客看不到）
                </label>
                <textarea
                  id="block-reason"
                  class="block-reason"
                  rows={3}
                  data-testid="block-reason"
                  placeholder="例如：多次辱骂客服、恶意刷屏"
                  value={reason}
                  onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
                  autoFocus
                />
                <div class={`block-counter small-text ${tooLong ? 'over' : 'muted'}`} data-testid="block-reason-counter">
                  {trimmed.length}/{BLOCK_REASON_LIMIT}
                </div>
                <div class="block-foot">
                  <button type="button" class="ghost" data-testid="block-cancel" onClick={cancel}>
                    取消
                  </button>
                  <button
                    type="button"
                    class="danger"
                    data-testid="block-next"
                    disabled={!trimmed || tooLong}
                    onClick={() => setStep('confirm')}
                  >
                    下一步
                  </button>
                </div>
              </>
            ) : (
              <>
                <p class="block-warning" data-testid="block-confirm-text">
                  拉黑后，当前会话将立即结束；该顾客再发消息只会收到机器人的固定回复，不会进入排队。只有主管或管理员可以在管理后台「拒访名单」中解除。确定拉黑吗？
                </p>
                <p class="block-quote small-text">原因：{trimmed}</p>
                <div class="block-foot">
                  <button type="button" class="ghost" data-testid="block-back" onClick={() => setStep('reason')}>
                    返回修改
                  </button>
                  <button type="button" class="danger" data-testid="block-confirm" disabled={busy} onClick={() => void confirm()}>
                    {busy ? '处理中…' : '确认拉黑'}
                  </button>
                </div>
              </>
            )}
          </div>
        </div>
      )}
    </>
  );
}
