// One day's open spans in the business-hours page: each a start and an end ("HH:MM"; 24:00 as an
// end; an end before the start runs past midnight), with 删除, and 添加时段. No spans: 休息.
import type { HoursSpan } from './api';

interface SpansProps {
  spans: HoursSpan[];
  testid: string;
  readOnly: boolean;
  error?: string;
  onChange: (spans: HoursSpan[]) => void;
}

const NEW_SPAN: HoursSpan = { start: '09:00', end: '18:00' };

export function SpansEditor({ spans, testid, readOnly, error, onChange }: SpansProps) {
  const set = (index: number, part: keyof HoursSpan, value: string) =>
    onChange(spans.map((s, i) => (i === index ? { ...s, [part]: value } : s)));
  return (
    <div class="hours-spans" data-testid={testid}>
      {spans.length === 0 && <span class="muted hours-closed">休息</span>}
      {spans.map((s, i) => (
        <span class="hours-span" key={i} data-testid={`${testid}-span`}>
          <input
            class="hours-time"
            aria-label="开始时间"
            data-testid={`${testid}-start`}
            inputMode="numeric"
            maxLength={5}
            value={s.start}
            readOnly={readOnly}
            onInput={(e) => set(i, 'start', (e.target as HTMLInputElement).value)}
          />
          <span aria-hidden="true">–</span>
          <input
            class="hours-time"
            aria-label="结束时间"
            data-testid={`${testid}-end`}
            inputMode="numeric"
            maxLength={5}
            value={s.end}
            readOnly={readOnly}
            onInput={(e) => set(i, 'end', (e.target as HTMLInputElement).value)}
          />
          {spans[i].end <= spans[i].start && spans[i].end !== '' && <span class="muted">（次日）</span>}
          {!readOnly && (
            <button
              type="button"
              class="text-button danger-text"
              data-testid={`${testid}-remove`}
              onClick={() => onChange(spans.filter((_, j) => j !== i))}
            >
              删除
            </button>
          )}
        </span>
      ))}
      {!readOnly && (
        <button
          type="button"
          class="text-button"
          data-testid={`${testid}-add`}
          onClick={() => onChange([...spans, spans.length ? { start: spans[spans.length - 1].end, end: '23:00' } : NEW_SPAN])}
        >
          添加时段
        </button>
      )}
      {error && (
        <div class="field-error" role="alert" data-testid="field-error" data-field={testid}>
          {error}
        </div>
      )}
    </div>
  );
}
