// 导出 / 导入 of the FAQ page: the shop's FAQ as JSON, CSV or Excel, and a file read back with a
// preview of what it changes (新增 / 修改 / 不变, and every bad row) before anything is written.
// The server checks every row with the editor's rules and writes all of it or nothing.
import { useRef, useState } from 'preact/hooks';
import type { ImportPreview } from '../shared/learning';
import { adminApi, type FaqFormat } from './api';
import { errorText } from './errors';
import { Dialog, useAdmin } from './ui';

const FORMATS: { id: FaqFormat; label: string }[] = [
  { id: 'xlsx', label: 'Excel' },
  { id: 'csv', label: 'CSV' },
  { id: 'json', label: 'JSON' },
];
const ACTION_TEXT = { added: '新增', changed: '修改', unchanged: '不变' } as const;
const FIELD_TEXT: Record<string, string> = {
  question: '标准问题',
  similar: '相似问法',
  answer: '答案',
  category: '分类',
  enabled: '启用',
};

function formatOf(name: string): FaqFormat | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return ext === 'xlsx' || ext === 'csv' || ext === 'json' ? ext : null;
}

export function ExportButtons() {
  const admin = useAdmin();
  const download = async (format: FaqFormat) => {
    try {
      const blob = await adminApi.faqExport(admin.token, format);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `常见问题.${format}`;
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(`导出失败：${errorText(e)}`);
    }
  };
  return (
    <span class="transfer" data-testid="faq-export">
      <span class="muted small-text">导出</span>
      {FORMATS.map((f) => (
        <button type="button" class="secondary small" key={f.id} data-testid={`faq-export-${f.id}`} onClick={() => void download(f.id)}>
          {f.label}
        </button>
      ))}
    </span>
  );
}

export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: () => void }) {
  const admin = useAdmin();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ blob: File; format: FaqFormat } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (blob: File | undefined) => {
    setPreview(null);
    setError(null);
    if (!blob) return;
    const format = formatOf(blob.name);
    if (!format) {
      setError('请选择 .xlsx、.csv 或 .json 文件');
      return;
    }
    setFile({ blob, format });
    setBusy(true);
    try {
      setPreview(await adminApi.faqImport(admin.token, format, blob, false));
    } catch (e) {
      if (!admin.expired(e)) setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const done = await adminApi.faqImport(admin.token, file.format, file.blob, true);
      admin.edited();
      admin.toast(`导入完成：新增 ${done.added} 条，修改 ${done.changed} 条`);
      onImported();
    } catch (e) {
      if (!admin.expired(e)) setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const changes = preview?.rows.filter((r) => r.action !== 'unchanged') ?? [];
  const nothing = preview !== null && preview.added + preview.changed === 0;
  return (
    <Dialog title="导入问答" testid="faq-import" onClose={onClose} wide>
      <div class="dialog-body form import-body">
        <p class="muted small-text">
          支持 Excel (.xlsx)、CSV 和 JSON，列为：编号、标准问题、相似问法（每行一条）、答案、分类、启用。编号与现有问答相同、或标准问题相同的行会更新该问答，其余行新增；文件里没有的问答保持不变。
        </p>
        <input
          ref={input}
          type="file"
          accept=".xlsx,.csv,.json"
          data-testid="faq-import-file"
          onChange={(e) => void choose((e.target as HTMLInputElement).files?.[0])}
        />
        {busy && <div class="muted">正在处理…</div>}
        {error && (
          <div class="form-error" role="alert" data-testid="faq-import-error">
            {error}
          </div>
        )}
        {preview && (
          <div class="import-preview" data-testid="faq-import-preview">
            <div class="import-counts">
              <span data-testid="import-added">新增 {preview.added} 条</span>
              <span data-testid="import-changed">修改 {preview.changed} 条</span>
              <span data-testid="import-unchanged">不变 {preview.unchanged} 条</span>
              {preview.errors.length > 0 && <span class="danger-text">有误 {preview.errors.length} 处</span>}
            </div>
            {preview.errors.length > 0 && (
              <ul class="import-errors" data-testid="faq-import-errors">
                {preview.errors.map((e, i) => (
                  <li key={i} data-testid="faq-import-error-row" data-row={e.row}>
                    {e.message}
                  </li>
                ))}
              </ul>
            )}
            {changes.length > 0 && (
              <ul class="import-rows" data-testid="faq-import-rows">
                {changes.slice(0, 200).map((r) => (
                  <li key={r.row} data-testid="faq-import-row" data-action={r.action}>
                    <span class={`tag action-${r.action}`}>{ACTION_TEXT[r.action]}</span>
                    <span class="import-question">{r.question}</span>
                    {r.changes.length > 0 && (
                      <span class="muted small-text">（{r.changes.map((c) => FIELD_TEXT[c] ?? c).join('、')}）</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {preview.warnings.length > 0 && (
              <p class="muted small-text" data-testid="faq-import-warnings">
                有 {preview.warnings.length} 处答案用语建议修改（如第 {preview.warnings[0].row} 行：{preview.warnings[0].explanation}），不影响导入。
              </p>
            )}
          </div>
        )}
      </div>
      <div class="dialog-foot">
        <button type="button" class="secondary" data-testid="faq-import-cancel" onClick={onClose}>
          取消
        </button>
        <button
          type="button"
          class="primary"
          data-testid="faq-import-apply"
          disabled={busy || !preview || preview.errors.length > 0 || nothing}
          onClick={() => void apply()}
        >
          {preview && preview.errors.length > 0 ? '请先修正文件中的错误' : nothing ? '没有需要导入的变化' : '确认导入'}
        </button>
      </div>
    </Dialog>
  );
}
