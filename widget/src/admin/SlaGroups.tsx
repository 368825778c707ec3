// Each group's SLA: its own policy, or the default (the shop's; after-sales 5 minutes).
import { useState } from 'preact/hooks';
import { durationText } from '../shared/format';
import type { SlaPolicyPage } from '../shared/types';
import { adminApi } from './api';
import { SlaPolicyFields } from './SlaPolicyFields';
import { SLA_FIELDS, draftOf, policyBody, type SlaDraft } from './slaForm';
import { FormError, useAdmin, useFormErrors } from './ui';

type GroupRow = SlaPolicyPage['groups'][number];

interface Props {
  page: SlaPolicyPage;
  readOnly: boolean;
  onSaved: (page: SlaPolicyPage) => void;
}

export function SlaGroups({ page, readOnly, onSaved }: Props) {
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <section class="panel">
      <h2>各客服组</h2>
      <table class="table" data-testid="sla-groups">
        <thead>
          <tr>
            <th>客服组</th>
            <th>首次响应</th>
            <th>后续回复</th>
            <th>问题解决</th>
            <th>来源</th>
            {!readOnly && <th />}
          </tr>
        </thead>
        <tbody>
          {page.groups.map((row) => (
            <tr key={row.group.id} data-testid="sla-group-row" data-group-id={row.group.id}>
              <td>{row.group.name}</td>
              <td data-testid="sla-group-first">{durationText(row.policy.first_response_s)}</td>
              <td>{durationText(row.policy.next_response_s)}</td>
              <td>{durationText(row.policy.resolution_s)}</td>
              <td>
                <span class={`tag${row.custom ? ' tag-blue' : ''}`} data-testid="sla-group-source">
                  {row.custom ? '本组设置' : '默认'}
                </span>
              </td>
              {!readOnly && (
                <td class="col-actions">
                  <button type="button" class="text-button" data-testid="sla-group-edit" onClick={() => setEditing(row.group.id)}>
                    编辑
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {editing !== null && (
        <GroupForm
          key={editing}
          row={page.groups.find((g) => g.group.id === editing) as GroupRow}
          onDone={(p) => {
            if (p) onSaved(p);
            setEditing(null);
          }}
        />
      )}
    </section>
  );
}

function GroupForm({ row, onDone }: { row: GroupRow; onDone: (page: SlaPolicyPage | null) => void }) {
  const admin = useAdmin();
  const [draft, setDraft] = useState<SlaDraft>(() => draftOf(row.policy));
  const [busy, setBusy] = useState(false);
  const { errors, formMessage, edit, fail, reset } = useFormErrors(SLA_FIELDS);

  const run = async (call: () => Promise<SlaPolicyPage>, done: string) => {
    setBusy(true);
    reset();
    try {
      onDone(await call());
      admin.toast(done);
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    void run(() => adminApi.slaGroupUpdate(admin.token, row.group.id, policyBody(draft)), `“${row.group.name}”的服务时效已保存`);
  };
  return (
    <form class="form sla-group-form" onSubmit={save} data-testid="sla-group-form" noValidate>
      <h3>编辑“{row.group.name}”的服务时效</h3>
      <SlaPolicyFields
        draft={draft}
        errors={errors}
        readOnly={false}
        prefix="sla-group"
        onChange={(field, value) => edit(field === 'resolution_h' ? 'resolution_s' : field, setDraft, { ...draft, [field]: value })}
      />
      <FormError message={formMessage} testid="sla-group-error" />
      <div class="form-foot">
        {row.custom && (
          <button
            type="button"
            class="secondary"
            data-testid="sla-group-reset"
            disabled={busy}
            onClick={() => void run(() => adminApi.slaGroupReset(admin.token, row.group.id), `“${row.group.name}”已恢复默认时效`)}
          >
            恢复默认
          </button>
        )}
        <button type="button" class="secondary" data-testid="sla-group-cancel" onClick={() => onDone(null)}>
          取消
        </button>
        <button type="submit" class="primary" data-testid="sla-group-save" disabled={busy}>
          {busy ? '保存中…' : '保存'}
        </button>
      </div>
    </form>
  );
}
