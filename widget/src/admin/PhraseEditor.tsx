// The dialog that creates or edits one standard phrase: title, category, the shortcut agents
// type after `/`, and the text, checked with the server's placeholder rules and previewed as an
// agent would insert it.
import { useState } from 'preact/hooks';
import { PHRASE_PLACEHOLDERS, renderTemplate, templateProblem } from '../shared/template';
import type { Phrase, PolitenessWarning } from '../shared/types';
import { adminApi, type PhraseInput } from './api';
import { Dialog, Field, FormError, useAdmin, useFormErrors } from './ui';

const MAX_TITLE = 64;
const MAX_TEXT = 2000;
const MAX_SHORTCUT = 16;
const PHRASE_FIELDS = ['title', 'text', 'category', 'shortcut'] as const;
/** The server's rule (chatserver/domain/phrases.py), said the same way. */
const SHORTCUT = /^[a-z0-9_-]{1,16}$/;
const SHORTCUT_RULE = '快捷词只能是 1-16 个英文字母、数字、下划线或短横线';
/** What a shopper's name looks like in the panel, for the preview. */
const SAMPLE_SHOPPER = '访客 3F2A';

export function PhraseEditor({
  phrase,
  categories,
  onClose,
  onSaved,
}: {
  phrase: Phrase | null;
  categories: string[];
  onClose: () => void;
  onSaved: (p: Phrase, created: boolean, warnings: PolitenessWarning[]) => void;
}) {
  const admin = useAdmin();
  const [title, setTitle] = useState(phrase?.title ?? '');
  const [category, setCategory] = useState(phrase?.category ?? '');
  const [shortcut, setShortcut] = useState(phrase?.shortcut ?? '');
  const [text, setText] = useState(phrase?.text ?? '');
  const { errors, formMessage, edit, fail, reset } = useFormErrors(PHRASE_FIELDS);
  const [shownProblem, setShownProblem] = useState<{ field: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const textProblem = templateProblem(text, PHRASE_PLACEHOLDERS, '常用语');

  const save = async (e: Event) => {
    e.preventDefault();
    reset();
    setShownProblem(null);
    const token = shortcut.trim().toLowerCase();
    // the same rules the server applies, said before a round trip
    if (token && !SHORTCUT.test(token)) return setShownProblem({ field: 'shortcut', message: SHORTCUT_RULE });
    if (textProblem) return setShownProblem({ field: 'text', message: textProblem });
    setBusy(true);
    const body: PhraseInput = { title, text };
    // the server takes no empty category; an existing one that was cleared is sent so its
    // answer ("分类不能为空") shows next to the field instead of silently keeping the old one
    if (category.trim() || phrase?.category) body.category = category.trim();
    // "" clears a shortcut; a phrase that never had one sends nothing
    if (token || phrase?.shortcut) body.shortcut = token;
    try {
      const saved = phrase
        ? await adminApi.phraseUpdate(admin.token, phrase.id, body)
        : await adminApi.phraseCreate(admin.token, body);
      onSaved(saved.phrase, !phrase, saved.warnings ?? []);
    } catch (err) {
      if (admin.expired(err)) return;
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const errorOf = (field: string) => errors[field] ?? (shownProblem?.field === field ? shownProblem.message : undefined);
  const editField = <T,>(field: string, set: (v: T) => void, value: T) => {
    if (shownProblem?.field === field) setShownProblem(null);
    edit(field, set, value);
  };

  return (
    <Dialog title={phrase ? '编辑常用语' : '新建常用语'} testid="phrase-editor" mode={phrase ? 'edit' : 'create'} onClose={onClose}>
      <form class="dialog-body form" onSubmit={save} data-testid="phrase-form" noValidate>
        <div class="field-row three">
          <Field label="标题" name="title" error={errorOf('title')} counter={`${title.length}/${MAX_TITLE}`} hint="工作台列表里显示的简称">
            <input
              id="field-title"
              data-testid="phrase-title"
              value={title}
              onInput={(e) => editField('title', setTitle, (e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field label="分类" name="category" error={errorOf('category')} hint="例如 问候、售前、售后">
            <input
              id="field-category"
              data-testid="phrase-category"
              list="phrase-categories"
              value={category}
              onInput={(e) => editField('category', setCategory, (e.target as HTMLInputElement).value)}
            />
            <datalist id="phrase-categories">
              {categories.map((c) => (
                <option value={c} key={c} />
              ))}
            </datalist>
          </Field>
          <Field
            label="快捷词"
            name="shortcut"
            error={errorOf('shortcut')}
            counter={`${shortcut.length}/${MAX_SHORTCUT}`}
            hint="可不填；客服输入 / 加快捷词即可找到，如 /dh"
          >
            <input
              id="field-shortcut"
              data-testid="phrase-shortcut"
              value={shortcut}
              maxLength={MAX_SHORTCUT + 4}
              autocomplete="off"
              spellcheck={false}
              onInput={(e) => editField('shortcut', setShortcut, (e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <Field
          label="内容"
          name="text"
          error={errorOf('text')}
          counter={`${text.length}/${MAX_TEXT}`}
          hint={'可以使用 {agent}（客服名字）、{shop}（店铺名称）和 {shopper}（顾客名字）；大括号本身写成 {{ 和 }}'}
        >
          <textarea
            id="field-text"
            data-testid="phrase-text"
            rows={5}
            value={text}
            onInput={(e) => editField('text', setText, (e.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <div class="phrase-preview" data-testid="phrase-preview">
          <span class="muted small-text">插入时（示例）：</span>
          {textProblem ? (
            <span class="preview-problem" data-testid="phrase-preview-problem">
              {textProblem}
            </span>
          ) : (
            <span data-testid="phrase-preview-text">
              {renderTemplate(text, { agent: admin.agent.name, shop: admin.agent.shop?.name ?? '', shopper: SAMPLE_SHOPPER })}
            </span>
          )}
        </div>
        <FormError message={formMessage} testid="phrase-form-error" />
        <div class="dialog-foot">
          <button type="button" class="secondary" data-testid="phrase-cancel" onClick={onClose}>
            取消
          </button>
          <button type="submit" class="primary" data-testid="phrase-save" disabled={busy}>
            {busy ? '保存中…' : '保存'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
