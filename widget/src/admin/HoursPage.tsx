// 营业时间: the shop's time zone, weekly hours, holidays (休息日) and special days (特殊营业日).
// Outside them the bot tells shoppers when people are back and takes a 留言. Admins edit;
// supervisors read. The server checks everything and names the field at fault.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { WEEKDAYS, adminApi, type BusinessHours, type BusinessHoursAnswer } from './api';
import { errorText } from './errors';
import { SpansEditor } from './HoursSpans';
import { FormError, LoadState, useAdmin } from './ui';

const DAY_TEXT = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' };
const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'UTC'];

/** The server's message when its field is `prefix` or inside it (weekly.mon[0].start → weekly.mon). */
function errorUnder(error: ApiError | null, prefix: string): string | undefined {
  const f = error?.field;
  if (!error || !f) return undefined;
  return f === prefix || f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`) ? error.message : undefined;
}

export function HoursPage() {
  const admin = useAdmin();
  const [saved, setSaved] = useState<BusinessHoursAnswer | null>(null);
  const [draft, setDraft] = useState<BusinessHours | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newHoliday, setNewHoliday] = useState('');
  const [newException, setNewException] = useState('');
  const readOnly = !admin.isAdmin;

  const take = (answer: BusinessHoursAnswer) => {
    setSaved(answer);
    setDraft(answer.hours);
  };
  const load = async () => {
    setLoadError(null);
    try {
      take(await adminApi.hours(admin.token));
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`营业时间加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  if (!saved || !draft) {
    return (
      <div class="single-page">
        <section class="panel">
          <LoadState error={loadError} onRetry={() => void load()} />
        </section>
      </div>
    );
  }

  const change = (next: Partial<BusinessHours>) => setDraft({ ...draft, ...next });
  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    setError(null);
    setFormMessage(null);
    try {
      take(await adminApi.hoursUpdate(admin.token, draft));
      admin.toast('营业时间已保存：机器人会按新的时间告诉顾客客服何时上班');
    } catch (err) {
      if (admin.expired(err)) return;
      if (err instanceof ApiError && err.field) setError(err);
      else setFormMessage(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved.hours);

  return (
    <div class="single-page hours-page">
      <section class="panel">
        <h2>营业时间</h2>
        <p class="hours-now" data-testid="hours-now" data-open={saved.open_now}>
          {saved.open_now
            ? '现在是营业时间，顾客可以转人工客服。'
            : saved.next_open_text
              ? `现在休息，机器人会告诉顾客：客服在${saved.next_open_text} 上班，并请顾客留言。`
              : '没有设置任何营业时间：顾客只能留言。'}
        </p>
        {readOnly && (
          <div class="readonly-note" data-testid="hours-readonly-note">
            只有管理员可以修改营业时间，您可以查看当前设置。
          </div>
        )}
        <form class="form" onSubmit={save} data-testid="hours-form" noValidate>
          <div class="field">
            <label class="field-label" for="field-time_zone">
              时区
            </label>
            <input
              id="field-time_zone"
              data-testid="hours-zone"
              list="hours-zones"
              value={draft.time_zone}
              readOnly={readOnly}
              onInput={(e) => change({ time_zone: (e.target as HTMLInputElement).value })}
            />
            <datalist id="hours-zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {errorUnder(error, 'time_zone') && (
              <div class="field-error" role="alert" data-testid="field-error" data-field="time_zone">
                {errorUnder(error, 'time_zone')}
              </div>
            )}
          </div>
          <table class="hours-week">
            <tbody>
              {WEEKDAYS.map((day) => (
                <tr key={day} data-testid={`hours-day-${day}`}>
                  <th scope="row">{DAY_TEXT[day]}</th>
                  <td>
                    <SpansEditor
                      spans={draft.weekly[day]}
                      testid={`hours-${day}`}
                      readOnly={readOnly}
                      error={errorUnder(error, `weekly.${day}`)}
                      onChange={(spans) => change({ weekly: { ...draft.weekly, [day]: spans } })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <DateList
            title="休息日（全天不营业）"
            testid="hours-holidays"
            readOnly={readOnly}
            error={errorUnder(error, 'holidays')}
            value={newHoliday}
            onValue={setNewHoliday}
            onAdd={() => newHoliday && change({ holidays: [...new Set([...draft.holidays, newHoliday])].sort() })}
          >
            {draft.holidays.map((d) => (
              <li key={d} data-testid="hours-holiday">
                <span>{d}</span>
                {!readOnly && (
                  <button type="button" class="text-button danger-text" onClick={() => change({ holidays: draft.holidays.filter((h) => h !== d) })}>
                    删除
                  </button>
                )}
              </li>
            ))}
          </DateList>
          <DateList
            title="特殊营业日（当天按下面的时段营业）"
            testid="hours-exceptions"
            readOnly={readOnly}
            error={errorUnder(error, 'exceptions')}
            value={newException}
            onValue={setNewException}
            onAdd={() =>
              newException &&
              !draft.exceptions.some((x) => x.date === newException) &&
              change({ exceptions: [...draft.exceptions, { date: newException, spans: [{ start: '09:00', end: '18:00' }] }] })
            }
          >
            {draft.exceptions.map((x, i) => (
              <li key={x.date} data-testid="hours-exception">
                <span>{x.date}</span>
                <SpansEditor
                  spans={x.spans}
                  testid={`hours-exception-${i}`}
                  readOnly={readOnly}
                  onChange={(spans) => change({ exceptions: draft.exceptions.map((y, j) => (j === i ? { ...y, spans } : y)) })}
                />
                {!readOnly && (
                  <button type="button" class="text-button danger-text" onClick={() => change({ exceptions: draft.exceptions.filter((_, j) => j !== i) })}>
                    删除该日
                  </button>
                )}
              </li>
            ))}
          </DateList>
          <FormError message={formMessage} testid="hours-form-error" />
          {!readOnly && (
            <div class="form-foot">
              <button type="button" class="secondary" data-testid="hours-reset" disabled={!dirty || busy} onClick={() => setDraft(saved.hours)}>
                还原
              </button>
              <button type="submit" class="primary" data-testid="hours-save" disabled={busy || !dirty}>
                {busy ? '保存中…' : '保存'}
              </button>
            </div>
          )}
        </form>
      </section>
    </div>
  );
}

interface DateListProps {
  title: string;
  testid: string;
  readOnly: boolean;
  error?: string;
  value: string;
  onValue: (v: string) => void;
  onAdd: () => void;
  children: ComponentChildren;
}

function DateList({ title, testid, readOnly, error, value, onValue, onAdd, children }: DateListProps) {
  return (
    <div class="field" data-testid={testid}>
      <div class="field-label">{title}</div>
      <ul class="hours-dates">{children}</ul>
      {!readOnly && (
        <div class="hours-add">
          <input type="date" aria-label="日期" data-testid={`${testid}-date`} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />
          <button type="button" class="secondary small" data-testid={`${testid}-add`} onClick={onAdd}>
            添加
          </button>
        </div>
      )}
      {error && (
        <div class="field-error" role="alert" data-testid="field-error" data-field={testid}>
          {error}
        </div>
      )}
    </div>
  );
}
