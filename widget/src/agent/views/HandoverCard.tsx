// The note a chat was handed to me with, pinned above its messages: read before anything else.
import { clockTime } from '../../shared/format';
import type { Handover } from '../../shared/types';

const KIND_TEXT: Record<Handover['kind'], string> = {
  transfer: '转接备注',
  shift: '下班交接',
  auto: '自动交接',
};

export function HandoverCard({ handover }: { handover: Handover }) {
  return (
    <section class="handover-card" data-testid="handover-card" aria-label="交接备注">
      <div class="handover-head small-text">
        <strong>{KIND_TEXT[handover.kind]}</strong>
        <span class="muted">
          {' '}
          · 来自 {handover.from.name}
          {handover.to_group ? ` · 转至${handover.to_group.name}组` : ''} · {clockTime(handover.created_at)}
        </span>
      </div>
      <p class="handover-note" data-testid="handover-note">
        {handover.note}
      </p>
    </section>
  );
}
