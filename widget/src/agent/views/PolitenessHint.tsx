// Above the reply box: what the politeness check found in the draft (what and why, short), the
// whole draft said politely with 使用建议, and 仍然发送. Shown only for a flagged draft; while a
// newer draft is being checked the last answer stays, dimmed, and cannot be applied.
import type { PolitenessFinding, PolitenessKind } from '../../shared/types';
import type { DraftCheck } from '../draftCheck';
import '../politeness.css';

const KIND_TEXT: Record<PolitenessKind, string> = {
  pronoun: '用“您”',
  address: '称呼',
  slang: '用语',
  arguing: '语气',
  bare_refusal: '推脱',
};

/** How many different findings are listed before "另有 N 处". */
const MAX_LINES = 6;

interface Line {
  finding: PolitenessFinding;
  count: number;
}

/** The same words found twice (你 … 你) are one line. */
function lines(findings: PolitenessFinding[]): Line[] {
  const byKey = new Map<string, Line>();
  for (const f of findings) {
    const key = `${f.kind}\u0000${f.text}\u0000${f.suggestion ?? ''}`;
    const line = byKey.get(key);
    if (line) line.count += 1;
    else byKey.set(key, { finding: f, count: 1 });
  }
  return [...byKey.values()];
}

function Fix({ finding: f }: { finding: PolitenessFinding }) {
  if (f.suggestion === null) return null;
  if (f.suggestion === '') return <span class="ph-fix">删去</span>;
  const sentence = f.kind === 'arguing' || f.kind === 'bare_refusal';
  return <span class="ph-fix">{sentence ? `可以说「${f.suggestion}」` : `→「${f.suggestion}」`}</span>;
}

/** `onDone`: after 使用建议 or 仍然发送, typing goes on in the reply box. */
export function PolitenessHint({ check, onDone }: { check: DraftCheck; onDone: () => void }) {
  const { review, fresh, armed } = check;
  if (!review || review.findings.length === 0) return null;
  const all = lines(review.findings);
  const shown = all.slice(0, MAX_LINES);
  const hidden = all.length - shown.length;
  return (
    <section
      class={`politeness-hint${fresh ? '' : ' stale'}${armed ? ' armed' : ''}`}
      data-testid="politeness-hint"
      data-state={fresh ? 'checked' : 'checking'}
      data-armed={String(armed)}
      role={armed ? 'alert' : 'status'}
      aria-live="polite"
    >
      <div class="ph-head">
        <strong>这条回复有 {review.findings.length} 处不够礼貌</strong>
        <span class="muted small-text">（店铺服务规范：对顾客说“您”，不用网络用语，不争辩）</span>
      </div>
      <ul class="ph-list">
        {shown.map(({ finding, count }) => (
          <li key={`${finding.kind}-${finding.start}`} data-testid="politeness-finding" data-kind={finding.kind}>
            <span class={`ph-kind ph-${finding.kind}`}>{KIND_TEXT[finding.kind]}</span>
            <span class="ph-words">「{finding.text}」</span>
            {count > 1 && <span class="muted small-text">×{count}</span>}
            <Fix finding={finding} />
            <span class="ph-why">{finding.explanation}</span>
          </li>
        ))}
        {hidden > 0 && <li class="muted small-text">另有 {hidden} 处</li>}
      </ul>
      {review.rewrite.trim() && review.rewrite !== review.text && (
        <div class="ph-rewrite">
          <span class="ph-label">建议改为</span>
          <span class="ph-rewrite-text" data-testid="politeness-rewrite">
            {review.rewrite}
          </span>
        </div>
      )}
      <div class="ph-actions">
        {armed && (
          <span class="ph-armed" data-testid="politeness-armed-note">
            再按一次 Enter 将照原样发送
          </span>
        )}
        <div class="spacer" />
        {review.rewrite.trim() && review.rewrite !== review.text && (
          <button
            type="button"
            class="primary small"
            data-testid="politeness-apply"
            disabled={!fresh}
            onClick={() => {
              check.applyRewrite();
              onDone();
            }}
          >
            使用建议
          </button>
        )}
        <button type="button" class="ghost small" data-testid="politeness-send-anyway" onClick={() => {
            check.sendAnyway();
            onDone();
          }}>
          仍然发送
        </button>
      </div>
    </section>
  );
}
