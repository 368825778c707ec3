// The dialog that creates or renames a group and sets its members.
import { useState } from 'preact/hooks';
import { staffApi, type Staff, type StaffGroup } from './staffApi';
import { Dialog, Field, FormError, useAdmin, useFormErrors } from './ui';

const FIELDS = ['name', 'member_ids'] as const;

export function GroupEditor({
  group,
  agents,
  onClose,
  onSaved,
}: {
  group: StaffGroup | null;
  agents: Staff[];
  onClose: () => void;
  onSaved: (g: StaffGroup, created: boolean) => void;
}) {
  const admin = useAdmin();
  const [name, setName] = useState(group?.name ?? '');
  const [members, setMembers] = useState<number[]>(group?.member_ids ?? []);
  const { errors, formMessage, edit, fail, reset } = useFormErrors(FIELDS);
  const [busy, setBusy] = useState(false);
  const toggle = (id: number) =>
    edit('member_ids', setMembers, members.includes(id) ? members.filter((m) => m !== id) : [...members, id]);
  const save = async (e: Event) => {
    e.preventDefault();
    reset();
    setBusy(true);
    try {
      const saved = group
        ? await staffApi.updateGroup(admin.token, group.id, { name, member_ids: members })
        : await staffApi.createGroup(admin.token, { name, member_ids: members });
      onSaved(saved.group, !group);
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={group ? `编辑分组 ${group.name}` : '新建分组'} testid="group-editor" onClose={onClose}>
      <form class="dialog-body form" onSubmit={save} noValidate>
        <Field
          label="分组名称"
          name="name"
          error={errors.name}
          hint={group?.topic ? '该分组接收机器人转人工的会话，可以改名，不能删除' : '例如 大客户、夜班'}
        >
          <input id="field-name" data-testid="group-name-input" value={name} onInput={(e) => edit('name', setName, (e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="成员" name="member_ids" error={errors.member_ids}>
          <div class="group-checks" data-testid="group-members-input">
            {agents
              .filter((a) => !a.disabled)
              .map((a) => (
                <label key={a.id} class="group-check">
                  <input type="checkbox" checked={members.includes(a.id)} onChange={() => toggle(a.id)} /> {a.name}
                </label>
              ))}
          </div>
        </Field>
        <FormError message={formMessage} testid="group-form-error" />
        <div class="dialog-foot">
          <button type="button" class="secondary" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="group-save" disabled={busy}>
            {busy ? '保存中…' : '保存'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
