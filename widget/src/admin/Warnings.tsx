// What the politeness check says about a saved FAQ answer or standard phrase, shown in its row
// of the list: saving is never refused for it, but the editor should see it.
import type { PolitenessWarning } from '../shared/types';

const MAX_SHOWN = 3;

function fix(w: PolitenessWarning): string {
  if (w.suggestion === null) return '';
  if (w.suggestion === '') return '，建议删去';
  return `，建议改为「${w.suggestion}」`;
}

export function PolitenessWarnings({ items, testid }: { items: PolitenessWarning[] | undefined; testid: string }) {
  if (!items || items.length === 0) return null;
  const shown = items.slice(0, MAX_SHOWN);
  return (
    <div class="warnings" role="status" data-testid={testid} data-count={items.length}>
      <div class="warnings-head">用语提醒：这段话有 {items.length} 处不符合服务规范（已保存）</div>
      <ul>
        {shown.map((w) => (
          <li key={`${w.field}-${w.start}-${w.kind}`} data-testid="politeness-warning" data-kind={w.kind}>
            <b>「{w.text}」</b> {w.explanation}
            {fix(w)}
          </li>
        ))}
        {items.length > shown.length && <li class="muted">另有 {items.length - shown.length} 处</li>}
      </ul>
    </div>
  );
}
