// A reply of mine not stored yet: 发送中, waiting for the network, or failed with 重试 and 移除; a
// photo shows its preview and, while it uploads, a progress bar.
import { PendingPhoto } from '../../shared/PhotoView';
import type { Outgoing } from '../../shared/outbox';
import { PHOTO_ERROR_TEXT, mayRetry, type PhotoProgress } from '../../shared/photos';
import { errorText } from '../errorText';

export function PendingRow({
  o,
  progress,
  onRetry,
  onRemove,
}: {
  o: Outgoing;
  progress?: PhotoProgress;
  onRetry: () => void;
  onRemove: () => void;
}) {
  const failed = o.state === 'failed';
  const photo = o.kind === 'image';
  const uploading = photo && !o.attachment_id && !failed;
  const why = (photo && PHOTO_ERROR_TEXT[o.error ?? '']) || errorText(o.error);
  return (
    <div
      class="msg msg-mine"
      data-testid="agent-message"
      data-sender="agent"
      data-kind={photo ? 'image' : 'text'}
      data-client-id={o.client_id}
      data-state={failed ? 'failed' : 'sending'}
    >
      <div class="msg-meta">
        {failed ? (
          <>
            <span class="failed">{why}</span>{' '}
            {mayRetry(o) && (
              <button type="button" class="link" data-testid="agent-message-retry" onClick={onRetry}>
                重试
              </button>
            )}{' '}
            <button type="button" class="link" data-testid="agent-message-remove" onClick={onRemove}>
              移除
            </button>
          </>
        ) : uploading ? (
          '图片上传中…'
        ) : o.state === 'queued' ? (
          '等待网络，恢复后自动发送…'
        ) : (
          '发送中…'
        )}
      </div>
      {photo ? (
        <PendingPhoto item={o} progress={progress} testid="agent-upload-progress" />
      ) : (
        <div class={`msg-bubble ${failed ? 'failed-bubble' : 'pending'}`}>
          <span class="text" data-testid="agent-message-text">
            {o.text}
          </span>
        </div>
      )}
    </div>
  );
}
