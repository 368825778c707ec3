// The dialog of 新建问答 / 编辑: 标准问题, 相似问法 (one per line), 答案, 分类, 启用. The counters show
// the server's limits, but nothing is checked only here: the server's message about a field is
// shown under that field.
import { useState } from 'preact/hooks';
import { dateTime } from '../shared/format';
import type { FaqEntry, PolitenessWarning } from '../shared/types';
import { adminApi, type FaqInput, type FaqSaved } from './api';
import { Dialog, Field, FormError, useAdmin, useFormErrors } from './ui';

const MAX_QUESTION = 200;
const MAX_ANSWER = 2000;
const MAX_SIMILAR = 50;

const FAQ_FIELDS = ['question', 'similar', 'answer', 'category', 'enabled'] as const;

export function FaqEditor({
  entry,
  categories,
  onClose,
  onSaved,
  prefill,
  create,
}: {
  entry: FaqEntry | null;
  categories: string[];
  onClose: () => void;
  onSaved: (e: FaqEntry, created: boolean, warnings: PolitenessWarning[]) => void;
  /** A new entry's question to start from (a shopper's question the bot could not answer). */
  prefill?: string;
  /** How a new entry is saved, when not by POST /api/faq. */
  create?: (body: FaqInput) => Promise<FaqSaved>;
}) {
  const admin = useAdmin();
  const [question, setQuestion] = useState(entry?.question ?? prefill ?? '');
  const [similar, setSimilar] = useState((entry?.similar ?? []).join('\n'));
  const [answer, setAnswer] = useState(entry?.answer ?? '');
  const [category, setCategory] = useState(entry?.category ?? '');
  const [enabled, setEnabled] = useState(entry?.enabled ?? true);
  const { errors, formMessage, edit, fail, reset } = useFormErrors(FAQ_FIELDS);
  const [busy, setBusy] = useState(false);

  const similarLines = similar
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    reset();
    const body: FaqInput = { question, answer, similar: similarLines, enabled };
    // a new entry without a category simply has none; an edit may clear it
    if (category.trim() || entry) body.category = category.trim();
    try {
      const saved = entry
        ? await adminApi.faqUpdate(admin.token, entry.id, body)
        : await (create ?? ((b: FaqInput) => adminApi.faqCreate(admin.token, b)))(body);
      onSaved(saved.entry, !entry, saved.warnings ?? []);
    } catch (err) {
      if (admin.expired(err)) return;
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={entry ? '编辑问答' : '新建问答'} testid="faq-editor" mode={entry ? 'edit' : 'create'} onClose={onClose} wide>
      <form class="dialog-body form" onSubmit={save} data-testid="faq-form" noValidate>
        <Field label="标准问题" name="question" error={errors.question} counter={`${question.length}/${MAX_QUESTION}`}
          hint="顾客最常见的问法，例如“多久发货？”">
          <input
            id="field-question"
            data-testid="faq-question"
            value={question}
            maxLength={MAX_QUESTION + 50}
            onInput={(e) => edit('question', setQuestion, (e.target as HTMLInputElement).value)}
          />
        </Field>
        <Field
          label="相似问法"
          name="similar"
          error={errors.similar}
          counter={`${similarLines.length}/${MAX_SIMILAR} 条`}
          hint="每行一种问法（口语、错别字、繁体都可以），机器人会据此识别同一个问题。"
        >
          <textarea
            id="field-similar"
            data-testid="faq-similar"
            rows={4}
            value={similar}
            placeholder={'什么时候发货\n几天能发出'}
            onInput={(e) => edit('similar', setSimilar, (e.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <Field label="答案" name="answer" error={errors.answer} counter={`${answer.length}/${MAX_ANSWER}`}
          hint="机器人直接发给顾客的回复，请使用“您”。">
          <textarea
            id="field-answer"
            data-testid="faq-answer"
            rows={5}
            value={answer}
            onInput={(e) => edit('answer', setAnswer, (e.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <div class="field-row">
          <Field label="分类" name="category" error={errors.category} hint="例如 物流、售后、尺码（可不填）">
            <input
              id="field-category"
              data-testid="faq-category"
              list="faq-categories"
              value={category}
              onInput={(e) => edit('category', setCategory, (e.target as HTMLInputElement).value)}
            />
            <datalist id="faq-categories">
              {categories.map((c) => (
                <option value={c} key={c} />
              ))}
            </datalist>
          </Field>
          <Field label="状态" name="enabled" error={errors.enabled}>
            <label class="checkbox">
              <input
                type="checkbox"
                data-testid="faq-enabled"
                checked={enabled}
                onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)}
              />
              启用（机器人会使用这条问答）
            </label>
          </Field>
        </div>
        {entry && <div class="muted small-text">最后修改：{dateTime(entry.updated_at)}</div>}
        <FormError message={formMessage} testid="faq-form-error" />
        <div class="dialog-foot">
          <button type="button" class="secondary" data-testid="faq-cancel" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="faq-save" disabled={busy}>
            {busy ? '保存中…' : '保存'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
