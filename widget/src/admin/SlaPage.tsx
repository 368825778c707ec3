// 服务时效 (SLA): how fast the shop answers and solves, for the shop and per group, and whether a
// chat its agent leaves unanswered is handed to a colleague. Admins edit; supervisors read.
import { useEffect, useState } from 'preact/hooks';
import type { SlaPolicyPage } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { SlaGroups } from './SlaGroups';
import { SlaPolicyFields } from './SlaPolicyFields';
import { SLA_FIELDS, draftOf, policyBody, type SlaDraft } from './slaForm';
import { Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

export function SlaPage() {
  const admin = useAdmin();
  const [page, setPage] = useState<SlaPolicyPage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<SlaDraft | null>(null);
  const [reassign, setReassign] = useState(false);
  const [reassignAfter, setReassignAfter] = useState('120');
  const [busy, setBusy] = useState(false);
  const { errors, formMessage, edit, fail, reset } = useFormErrors(SLA_FIELDS);
  const readOnly = !admin.isAdmin;

  const show = (p: SlaPolicyPage) => {
    setPage(p);
    setDraft(draftOf(p.shop));
    setReassign(p.shop.reassign_after_s !== null);
    if (p.shop.reassign_after_s !== null) setReassignAfter(String(p.shop.reassign_after_s));
  };
  const load = async () => {
    setLoadError(null);
    try {
      show(await adminApi.slaPolicies(admin.token));
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`服务时效设置加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly || !draft) return;
    setBusy(true);
    reset();
    const after = reassignAfter.trim();
    const body = { ...policyBody(draft), reassign_after_s: reassign ? (/^\d+$/.test(after) ? Number(after) : after) : null };
    try {
      show(await adminApi.slaShopUpdate(admin.token, body));
      admin.toast('服务时效已保存：新的时限立即用于所有进行中的会话');
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (!page || !draft) {
    return (
      <div class="single-page">
        <section class="panel">
          <LoadState error={loadError} onRetry={() => void load()} />
        </section>
      </div>
    );
  }
  return (
    <div class="single-page sla-page">
      <section class="panel">
        <h2>服务时效（全店）</h2>
        <p class="muted small-text">
          顾客转人工后开始计时：超过“提前提醒”比例时提醒接待的客服（排队中则提醒全组），超过时限时通知主管，并计入报表。
        </p>
        {readOnly && (
          <div class="readonly-note" data-testid="sla-readonly-note">
            只有管理员可以修改服务时效，您可以查看当前设置。
          </div>
        )}
        <form class="form" onSubmit={save} data-testid="sla-shop-form" noValidate>
          <SlaPolicyFields
            draft={draft}
            errors={errors}
            readOnly={readOnly}
            prefix="sla-shop"
            onChange={(field, value) => edit(field === 'resolution_h' ? 'resolution_s' : field, setDraft, { ...draft, [field]: value })}
          />
          <Field label="超时自动转接" name="reassign_after_s" error={errors.reassign_after_s}
            hint="客服在这段时间内没有回复顾客时，自动转给其他有空的在线客服，并告知双方">
            <label class="checkbox">
              <input
                type="checkbox"
                data-testid="sla-shop-reassign"
                checked={reassign}
                disabled={readOnly}
                onChange={(e) => edit('reassign_after_s', setReassign, (e.target as HTMLInputElement).checked)}
              />
              开启，未回复超过
              <input
                id="field-reassign_after_s"
                class="inline-number"
                inputMode="numeric"
                data-testid="sla-shop-reassign_after_s"
                value={reassignAfter}
                readOnly={readOnly || !reassign}
                onInput={(e) => edit('reassign_after_s', setReassignAfter, (e.target as HTMLInputElement).value)}
              />
              秒时转接
            </label>
          </Field>
          <FormError message={formMessage} testid="sla-form-error" />
          {!readOnly && (
            <div class="form-foot">
              <button type="submit" class="primary" data-testid="sla-shop-save" disabled={busy}>
                {busy ? '保存中…' : '保存'}
              </button>
            </div>
          )}
        </form>
      </section>
      <SlaGroups page={page} readOnly={readOnly} onSaved={show} />
    </div>
  );
}
