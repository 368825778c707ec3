// 升级 / 结案 from the 投诉管理 list: a supervisor or admin moves a complaint up to any higher level
// (with an optional word on why), or settles it with the result. The server checks the rules again.
import { useState } from 'preact/hooks';
import {
  ESCALATION_REASON_LIMIT,
  LEVEL_NAMES,
  RESULT_LIMIT,
  type Complaint,
  type ComplaintLevel,
} from '../shared/complaints';
import { adminApi } from './api';
import { errorText } from './errors';
import { Confirm, useAdmin } from './ui';

export type ComplaintActionKind = 'escalate' | 'settle';

interface Props {
  kind: ComplaintActionKind;
  complaint: Complaint;
  onDone: (c: Complaint) => void;
  onCancel: () => void;
}

export function ComplaintAction({ kind, complaint, onDone, onCancel }: Props) {
  const admin = useAdmin();
  const higher = ([1, 2, 3] as ComplaintLevel[]).filter((l) => l > complaint.level);
  const [level, setLevel] = useState<ComplaintLevel>(higher[0] ?? 3);
  const [status, setStatus] = useState<'resolved' | 'closed'>('resolved');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const limit = kind === 'escalate' ? ESCALATION_REASON_LIMIT : RESULT_LIMIT;

  const submit = async () => {
    if (text.trim().length > limit || (kind === 'settle' && !text.trim())) {
      admin.toast(kind === 'settle' && !text.trim() ? '请填写处理结果' : `不能超过${limit}字`);
      return;
    }
    setBusy(true);
    try {
      const { complaint: changed } =
        kind === 'escalate'
          ? await adminApi.escalateComplaint(admin.token, complaint.id, level, text)
          : await adminApi.settleComplaint(admin.token, complaint.id, status, text);
      admin.toast(kind === 'escalate' ? `已升级至${changed.level_name}` : `投诉已${changed.status_name}`);
      onDone(changed);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Confirm
      title={kind === 'escalate' ? '升级投诉' : '投诉结案'}
      confirmText={kind === 'escalate' ? '确认升级' : '确认结案'}
      busy={busy}
      onConfirm={() => void submit()}
      onCancel={onCancel}
    >
      <p class="complaint-quote">
        {complaint.visitor.name}：{complaint.matter}
      </p>
      {kind === 'escalate' ? (
        <label class="complaint-dialog-field">
          升级至
          <select data-testid="complaint-action-level" value={level} onChange={(e) => setLevel(Number((e.target as HTMLSelectElement).value) as ComplaintLevel)}>
            {higher.map((l) => (
              <option key={l} value={l}>
                {LEVEL_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label class="complaint-dialog-field">
          结果
          <select data-testid="complaint-action-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as 'resolved' | 'closed')}>
            <option value="resolved">已解决</option>
            <option value="closed">关闭（撤诉或不成立）</option>
          </select>
        </label>
      )}
      <label class="complaint-dialog-field">
        {kind === 'escalate' ? '升级说明（选填）' : '处理结果（必填）'}
        <textarea rows={3} data-testid="complaint-action-text" value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <span class="muted small-text">
          {text.trim().length}/{limit}
        </span>
      </label>
    </Confirm>
  );
}
