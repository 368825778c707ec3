// The forms of the complaint card: register a complaint (「登记投诉」) or edit one, escalate it, and
// settle it. Everything typed is plain text, sent as typed; the server trims and checks it again.
import { useState } from 'preact/hooks';
import {
  DEMAND_KINDS,
  DEMAND_TEXT_LIMIT,
  ESCALATION_REASON_LIMIT,
  HANDLING_LIMIT,
  LEVEL_NAMES,
  MATTER_LIMIT,
  RESULT_LIMIT,
  type Complaint,
  type ComplaintLevel,
  type DemandKind,
} from '../../shared/complaints';
import type { AgentDesk } from '../agentDesk';

type Field = { label: string; value: string; set: (v: string) => void; limit: number; testid: string; rows?: number };

function TextField({ label, value, set, limit, testid, rows = 2 }: Field) {
  const over = value.trim().length > limit;
  return (
    <label class="complaint-field">
      <span>{label}</span>
      <textarea rows={rows} data-testid={testid} value={value} onInput={(e) => set((e.target as HTMLTextAreaElement).value)} />
      <span class={`small-text ${over ? 'over' : 'muted'}`}>
        {value.trim().length}/{limit}
      </span>
    </label>
  );
}

function DemandSelect({ value, set }: { value: DemandKind | ''; set: (v: DemandKind | '') => void }) {
  return (
    <label class="complaint-field">
      <span>顾客诉求</span>
      <select data-testid="complaint-demand-kind" value={value} onChange={(e) => set((e.target as HTMLSelectElement).value as DemandKind | '')}>
        <option value="">请选择</option>
        {(Object.keys(DEMAND_KINDS) as DemandKind[]).map((k) => (
          <option key={k} value={k}>
            {DEMAND_KINDS[k]}
          </option>
        ))}
      </select>
    </label>
  );
}

function Foot({ busy, ok, label, onCancel, onSave, testid }: { busy: boolean; ok: boolean; label: string; onCancel: () => void; onSave: () => void; testid: string }) {
  return (
    <div class="complaint-foot">
      <button type="button" class="ghost small" onClick={onCancel}>
        取消
      </button>
      <button type="button" class="primary small" data-testid={testid} disabled={busy || !ok} onClick={onSave}>
        {busy ? '提交中…' : label}
      </button>
    </div>
  );
}

/** Register a new complaint (no `complaint`) or edit one. */
export function ComplaintEditForm({ desk, id, complaint, onDone }: { desk: AgentDesk; id: number; complaint?: Complaint; onDone: () => void }) {
  const [matter, setMatter] = useState(complaint?.matter ?? '');
  const [kind, setKind] = useState<DemandKind | ''>(complaint?.demand.kind ?? '');
  const [demand, setDemand] = useState(complaint?.demand.text ?? '');
  const [handling, setHandling] = useState(complaint?.handling ?? '');
  const [busy, setBusy] = useState(false);
  const ok = !!matter.trim() && matter.trim().length <= MATTER_LIMIT && demand.trim().length <= DEMAND_TEXT_LIMIT && handling.trim().length <= HANDLING_LIMIT;
  const save = async () => {
    setBusy(true);
    const done = complaint
      ? await desk.complaints.update({
          complaint_id: complaint.id,
          matter,
          demand_text: demand,
          handling,
          ...(kind ? { demand_kind: kind } : {}),
        })
      : await desk.complaints.open({ conversation_id: id, matter, demand_kind: kind || null, demand_text: demand });
    setBusy(false);
    if (done) onDone();
  };
  return (
    <div class="complaint-form" data-testid={complaint ? 'complaint-edit-form' : 'complaint-open-form'}>
      <TextField label="投诉事由" value={matter} set={setMatter} limit={MATTER_LIMIT} testid="complaint-matter" rows={3} />
      <DemandSelect value={kind} set={setKind} />
      <TextField label="诉求说明" value={demand} set={setDemand} limit={DEMAND_TEXT_LIMIT} testid="complaint-demand-text" />
      {complaint && <TextField label="处理经过" value={handling} set={setHandling} limit={HANDLING_LIMIT} testid="complaint-handling" rows={3} />}
      <Foot busy={busy} ok={ok} label={complaint ? '保存' : '登记投诉'} onCancel={onDone} onSave={() => void save()} testid="complaint-save" />
    </div>
  );
}

/** Up the ladder: an agent one level, a supervisor or admin any higher level. */
export function EscalateForm({ desk, complaint, supervising, onDone }: { desk: AgentDesk; complaint: Complaint; supervising: boolean; onDone: () => void }) {
  const targets = ([1, 2, 3] as ComplaintLevel[]).filter((l) => l > complaint.level && (supervising || l === complaint.level + 1));
  const [level, setLevel] = useState<ComplaintLevel>(targets[0] ?? 3);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    const done = await desk.complaints.escalate(complaint.id, level, reason);
    setBusy(false);
    if (done) onDone();
  };
  return (
    <div class="complaint-form" data-testid="complaint-escalate-form">
      <label class="complaint-field">
        <span>升级至</span>
        <select data-testid="complaint-escalate-level" value={level} onChange={(e) => setLevel(Number((e.target as HTMLSelectElement).value) as ComplaintLevel)}>
          {targets.map((l) => (
            <option key={l} value={l}>
              {LEVEL_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <TextField label="升级说明（选填）" value={reason} set={setReason} limit={ESCALATION_REASON_LIMIT} testid="complaint-escalate-reason" />
      <Foot
        busy={busy}
        ok={targets.length > 0 && reason.trim().length <= ESCALATION_REASON_LIMIT}
        label="确认升级"
        onCancel={onDone}
        onSave={() => void save()}
        testid="complaint-escalate-confirm"
      />
    </div>
  );
}

/** Settle it: resolved (solved) or closed (withdrawn, unfounded), with the result. */
export function SettleForm({ desk, complaint, onDone }: { desk: AgentDesk; complaint: Complaint; onDone: () => void }) {
  const [status, setStatus] = useState<'resolved' | 'closed'>('resolved');
  const [result, setResult] = useState(complaint.result);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    const done = await desk.complaints.settle(complaint.id, status, result);
    setBusy(false);
    if (done) onDone();
  };
  return (
    <div class="complaint-form" data-testid="complaint-settle-form">
      <div class="complaint-choice">
        {(['resolved', 'closed'] as const).map((s) => (
          <label key={s}>
            <input type="radio" name={`settle-${complaint.id}`} checked={status === s} onChange={() => setStatus(s)} data-testid={`complaint-settle-${s}`} />
            {s === 'resolved' ? '已解决' : '关闭（撤诉或不成立）'}
          </label>
        ))}
      </div>
      <TextField label="处理结果" value={result} set={setResult} limit={RESULT_LIMIT} testid="complaint-result" rows={3} />
      <Foot busy={busy} ok={!!result.trim() && result.trim().length <= RESULT_LIMIT} label="确认结案" onCancel={onDone} onSave={() => void save()} testid="complaint-settle-confirm" />
    </div>
  );
}
