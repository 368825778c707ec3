// The dialog that creates an agent (name, username, password, role, groups, max chats) or
// changes one (name, role, groups, max chats); the password is reset from its own dialog.
import { useState } from 'preact/hooks';
import { ROLE_LABELS, staffApi, type AgentInput, type Staff, type StaffGroup } from './staffApi';
import { Dialog, Field, FormError, useAdmin, useFormErrors } from './ui';

const FIELDS = ['name', 'username', 'password', 'role', 'max_chats', 'group_ids'] as const;

export function AgentEditor({
  agent,
  groups,
  onClose,
  onSaved,
}: {
  agent: Staff | null;
  groups: StaffGroup[];
  onClose: () => void;
  onSaved: (a: Staff, created: boolean) => void;
}) {
  const admin = useAdmin();
  const [name, setName] = useState(agent?.name ?? '');
  const [username, setUsername] = useState(agent?.username ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string>(agent?.role ?? 'agent');
  const [maxChats, setMaxChats] = useState(String(agent?.max_chats ?? 5));
  const [groupIds, setGroupIds] = useState<number[]>(agent?.group_ids ?? groups.map((g) => g.id));
  const { errors, formMessage, edit, fail, reset } = useFormErrors(FIELDS);
  const [busy, setBusy] = useState(false);

  const toggle = (id: number) =>
    edit('group_ids', setGroupIds, groupIds.includes(id) ? groupIds.filter((g) => g !== id) : [...groupIds, id]);

  const save = async (e: Event) => {
    e.preventDefault();
    reset();
    setBusy(true);
    const body: AgentInput = { name, role, max_chats: Number(maxChats), group_ids: groupIds };
    try {
      const saved = agent
        ? await staffApi.updateAgent(admin.token, agent.id, body)
        : await staffApi.createAgent(admin.token, { ...body, username, password });
      onSaved(saved.agent, !agent);
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={agent ? `编辑客服 ${agent.name}` : '新建客服'} testid="agent-editor" onClose={onClose}>
      <form class="dialog-body form" onSubmit={save} data-testid="agent-form" noValidate>
        <div class="field-row">
          <Field label="名字（顾客看到的称呼）" name="name" error={errors.name}>
            <input id="field-name" data-testid="agent-name-input" value={name} onInput={(e) => edit('name', setName, (e.target as HTMLInputElement).value)} />
          </Field>
          {!agent && (
            <Field label="登录用户名" name="username" error={errors.username} hint="字母、数字或 _ . @ -">
              <input
                id="field-username"
                data-testid="agent-username-input"
                autocomplete="off"
                value={username}
                onInput={(e) => edit('username', setUsername, (e.target as HTMLInputElement).value)}
              />
            </Field>
          )}
        </div>
        <div class="field-row">
          {!agent && (
            <Field label="初始密码" name="password" error={errors.password} hint="至少 6 个字符">
              <input
                id="field-password"
                type="password"
                autocomplete="new-password"
                data-testid="agent-password-input"
                value={password}
                onInput={(e) => edit('password', setPassword, (e.target as HTMLInputElement).value)}
              />
            </Field>
          )}
          <Field label="角色" name="role" error={errors.role}>
            <select id="field-role" data-testid="agent-role-input" value={role} onChange={(e) => edit('role', setRole, (e.target as HTMLSelectElement).value)}>
              {Object.entries(ROLE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="同时接待上限" name="max_chats" error={errors.max_chats}>
            <input
              id="field-max_chats"
              type="number"
              min={1}
              max={50}
              data-testid="agent-max-chats-input"
              value={maxChats}
              onInput={(e) => edit('max_chats', setMaxChats, (e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <Field label="所在分组" name="group_ids" error={errors.group_ids} hint="转人工的会话只分配给对应分组的客服">
          <div class="group-checks" data-testid="agent-groups-input">
            {groups.map((g) => (
              <label key={g.id} class="group-check">
                <input type="checkbox" checked={groupIds.includes(g.id)} data-group-name={g.name} onChange={() => toggle(g.id)} /> {g.name}
              </label>
            ))}
          </div>
        </Field>
        <FormError message={formMessage} testid="agent-form-error" />
        <div class="dialog-foot">
          <button type="button" class="secondary" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="agent-save" disabled={busy}>
            {busy ? '保存中…' : '保存'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
