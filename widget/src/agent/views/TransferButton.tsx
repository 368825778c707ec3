// 转接 in the chat header: choose a colleague (who can take it now) or a group, write the
// handover note (required, up to 500 characters) the receiver reads first, then send.
import { useState } from 'preact/hooks';
import { HANDOVER_NOTE_LIMIT } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';
import { canReceive, type Team } from '../handovers';

export function TransferButton({ desk, id }: { desk: AgentDesk; id: number }) {
  const [team, setTeam] = useState<Team | null>(null);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const me = desk.store.state.agent.id;
  const trimmed = note.trim();
  const tooLong = trimmed.length > HANDOVER_NOTE_LIMIT;
  const start = async () => {
    setOpen(true);
    setTeam(await desk.handovers.loadTeam());
  };
  const cancel = () => {
    setOpen(false);
    setTarget('');
    setNote('');
  };
  const send = async () => {
    const [kind, raw] = target.split(':');
    setBusy(true);
    const done = await desk.handovers.transfer(id, kind === 'agent' ? { agent: Number(raw) } : { group: Number(raw) }, note);
    setBusy(false);
    if (done) cancel();
  };
  const colleagues = (team?.agents ?? []).filter((a) => a.id !== me);
  return (
    <>
      <button type="button" class="ghost" data-testid="chat-transfer-button" onClick={() => void start()}>
        转接
      </button>
      {open && (
        <div class="block-backdrop" onMouseDown={(e) => e.target === e.currentTarget && cancel()}>
          <div class="block-dialog" role="dialog" aria-modal="true" aria-label="转接会话" data-testid="transfer-dialog">
            <h2 class="block-title">转接会话</h2>
            <label class="block-label" for="transfer-target">
              转接给
            </label>
            <select
              id="transfer-target"
              class="transfer-target"
              data-testid="transfer-target"
              value={target}
              onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}
            >
              <option value="">{team ? '请选择客服或分组' : '正在加载…'}</option>
              <optgroup label="分组（回到该组排队，优先接待）">
                {(team?.groups ?? []).map((g) => (
                  <option key={`g${g.id}`} value={`group:${g.id}`}>
                    {g.name}组
                  </option>
                ))}
              </optgroup>
              <optgroup label="客服">
                {colleagues.map((a) => (
                  <option key={`a${a.id}`} value={`agent:${a.id}`} disabled={!canReceive(a)}>
                    {a.name}（{!canReceive(a) ? (a.open_chats >= a.max_chats ? '已满' : '不在线') : `${a.open_chats}/${a.max_chats}`}）
                  </option>
                ))}
              </optgroup>
            </select>
            <label class="block-label" for="transfer-note">
              交接备注（必填，对方接入时首先看到，顾客看不到）
            </label>
            <textarea
              id="transfer-note"
              class="block-reason"
              rows={4}
              data-testid="transfer-note"
              placeholder="例如：顾客要换 L 码，订单号 1234，已核实可换，待发退货地址"
              value={note}
              onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
            />
            <div class={`block-counter small-text ${tooLong ? 'over' : 'muted'}`}>
              {trimmed.length}/{HANDOVER_NOTE_LIMIT}
            </div>
            <div class="block-foot">
              <button type="button" class="ghost" data-testid="transfer-cancel" onClick={cancel}>
                取消
              </button>
              <button
                type="button"
                class="primary"
                data-testid="transfer-confirm"
                disabled={busy || !target || !trimmed || tooLong}
                onClick={() => void send()}
              >
                {busy ? '转接中…' : '确认转接'}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
