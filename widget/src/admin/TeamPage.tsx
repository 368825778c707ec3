// 客服与分组: the shop's agents (role, groups, load, status) and groups. Admins create and change
// them, reset passwords and disable accounts; supervisors read. The server checks every route.
import { useEffect, useState } from 'preact/hooks';
import { AgentEditor } from './AgentEditor';
import './team.css';
import { errorText } from './errors';
import { GroupEditor } from './GroupEditor';
import { ROLE_LABELS, staffApi, type Staff, type StaffGroup } from './staffApi';
import { Confirm, Dialog, LoadState, useAdmin } from './ui';

const STATUS_TEXT: Record<string, string> = { online: '在线', away: '忙碌', offline: '离线' };

type Pending =
  | { kind: 'agent'; agent: Staff | null }
  | { kind: 'group'; group: StaffGroup | null }
  | { kind: 'password'; agent: Staff }
  | { kind: 'disable'; agent: Staff }
  | { kind: 'delete-group'; group: StaffGroup };

export function TeamPage() {
  const admin = useAdmin();
  const [roster, setRoster] = useState<{ agents: Staff[]; groups: StaffGroup[] } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadError(null);
    try {
      setRoster(await staffApi.roster(admin.token));
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`客服列表加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await work();
      admin.toast(done);
      setPending(null);
      setPassword('');
      await load();
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!roster) return <LoadState error={loadError} onRetry={() => void load()} />;
  const groupName = new Map(roster.groups.map((g) => [g.id, g.name]));
  const agentName = new Map(roster.agents.map((a) => [a.id, a.name]));
  return (
    <div class="single-page team-page">
      <section class="panel">
        <div class="team-head">
          <h2>客服</h2>
          {admin.isAdmin && (
            <button type="button" class="primary" data-testid="agent-new" onClick={() => setPending({ kind: 'agent', agent: null })}>
              新建客服
            </button>
          )}
        </div>
        <div class="table-wrap">
          <table class="table" data-testid="agent-table">
            <thead>
              <tr>
                <th>名字</th>
                <th>角色</th>
                <th>分组</th>
                <th>接待</th>
                <th>状态</th>
                {admin.isAdmin && <th class="col-actions">操作</th>}
              </tr>
            </thead>
            <tbody>
              {roster.agents.map((a) => (
                <tr key={a.id} data-testid="agent-row" data-username={a.username} class={a.disabled ? 'row-disabled' : ''}>
                  <td>
                    {a.name}
                    <div class="muted small-text">{a.username}</div>
                  </td>
                  <td>{ROLE_LABELS[a.role] ?? a.role}</td>
                  <td data-testid="agent-row-groups">{a.group_ids.map((g) => groupName.get(g)).join('、') || '—'}</td>
                  <td>
                    {a.open_chats}/{a.max_chats}
                  </td>
                  <td data-testid="agent-row-status">{a.disabled ? '已停用' : STATUS_TEXT[a.status]}</td>
                  {admin.isAdmin && (
                    <td class="col-actions">
                      <button type="button" class="text-button" data-testid="agent-edit" onClick={() => setPending({ kind: 'agent', agent: a })}>
                        编辑
                      </button>
                      <button type="button" class="text-button" data-testid="agent-password" onClick={() => setPending({ kind: 'password', agent: a })}>
                        重置密码
                      </button>
                      {a.disabled ? (
                        <button type="button" class="text-button" data-testid="agent-enable" onClick={() => void act(() => staffApi.setDisabled(admin.token, a.id, false), `已启用 ${a.name}`)}>
                          启用
                        </button>
                      ) : (
                        <button type="button" class="text-button danger-text" data-testid="agent-disable" onClick={() => setPending({ kind: 'disable', agent: a })}>
                          停用
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="panel">
        <div class="team-head">
          <h2>分组</h2>
          {admin.isAdmin && (
            <button type="button" class="secondary" data-testid="group-new" onClick={() => setPending({ kind: 'group', group: null })}>
              新建分组
            </button>
          )}
        </div>
        <p class="muted small-text page-note">转人工时，售后问题（退换货、退款、破损、质量问题、投诉等）进入售后分组，其他进入售前分组，只分配给该分组在线的客服。</p>
        <div class="table-wrap">
          <table class="table" data-testid="group-table">
            <thead>
              <tr>
                <th>分组</th>
                <th>成员</th>
                {admin.isAdmin && <th class="col-actions">操作</th>}
              </tr>
            </thead>
            <tbody>
              {roster.groups.map((g) => (
                <tr key={g.id} data-testid="group-row" data-group-id={g.id}>
                  <td>
                    {g.name}
                    {g.topic && <div class="muted small-text">{g.topic === 'aftersales' ? '接收售后转人工' : '接收售前转人工'}</div>}
                  </td>
                  <td data-testid="group-row-members">{g.member_ids.map((m) => agentName.get(m)).join('、') || '—'}</td>
                  {admin.isAdmin && (
                    <td class="col-actions">
                      <button type="button" class="text-button" data-testid="group-edit" onClick={() => setPending({ kind: 'group', group: g })}>
                        编辑
                      </button>
                      {!g.topic && (
                        <button type="button" class="text-button danger-text" data-testid="group-delete" onClick={() => setPending({ kind: 'delete-group', group: g })}>
                          删除
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {pending?.kind === 'agent' && (
        <AgentEditor
          agent={pending.agent}
          groups={roster.groups}
          onClose={() => setPending(null)}
          onSaved={(a, created) => {
            admin.toast(created ? `已创建客服 ${a.name}` : `已保存 ${a.name}`);
            setPending(null);
            void load();
          }}
        />
      )}
      {pending?.kind === 'group' && (
        <GroupEditor
          group={pending.group}
          agents={roster.agents}
          onClose={() => setPending(null)}
          onSaved={(g, created) => {
            admin.toast(created ? `已创建分组 ${g.name}` : `已保存分组 ${g.name}`);
            setPending(null);
            void load();
          }}
        />
      )}
      {pending?.kind === 'password' && (
        <Dialog title={`重置 ${pending.agent.name} 的密码`} testid="password-dialog" onClose={() => setPending(null)}>
          <div class="dialog-body form">
            <p class="muted small-text">重置后，该客服所有已登录的设备都会退出，需要用新密码重新登录。</p>
            <input type="password" autocomplete="new-password" data-testid="password-input" placeholder="新密码（至少 6 个字符）" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </div>
          <div class="dialog-foot">
            <button type="button" class="secondary" onClick={() => setPending(null)}>
              取消
            </button>
            <button type="button" class="primary" data-testid="password-save" disabled={busy || password.length < 6} onClick={() => void act(() => staffApi.resetPassword(admin.token, pending.agent.id, password), '密码已重置')}>
              重置密码
            </button>
          </div>
        </Dialog>
      )}
      {pending?.kind === 'disable' && (
        <Confirm title="停用客服" confirmText="停用" busy={busy} onCancel={() => setPending(null)} onConfirm={() => void act(() => staffApi.setDisabled(admin.token, pending.agent.id, true), `已停用 ${pending.agent.name}`)}>
          停用后「{pending.agent.name}」将无法登录，已登录的设备会退出，正在接待的会话会退回排队。
        </Confirm>
      )}
      {pending?.kind === 'delete-group' && (
        <Confirm title="删除分组" confirmText="删除" busy={busy} onCancel={() => setPending(null)} onConfirm={() => void act(() => staffApi.deleteGroup(admin.token, pending.group.id), `已删除分组 ${pending.group.name}`)}>
          确定删除分组「{pending.group.name}」吗？该组排队中的会话将可由任何客服接待。
        </Confirm>
      )}
    </div>
  );
}
