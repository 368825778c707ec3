// 常用语: the standard phrases agents insert with one click in the agent panel.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Phrase, PolitenessWarning } from '../shared/types';
import { adminApi, type PhraseInput } from './api';
import { errorText } from './errors';
import { Confirm, Dialog, Field, FormError, LoadState, useAdmin, useFormErrors, RowActions } from './ui';
import { PolitenessWarnings } from './Warnings';

const MAX_TITLE = 64;
const MAX_TEXT = 2000;

export function PhrasesPage() {
  const admin = useAdmin();
  const [items, setItems] = useState<Phrase[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Phrase | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Phrase | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  /** What the politeness check said about phrases saved in this visit, by phrase id. */
  const [warnings, setWarnings] = useState<Record<string, PolitenessWarning[]>>({});

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await adminApi.phrases(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`常用语加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  const categories = useMemo(
    () => [...new Set((items ?? []).map((p) => p.category ?? '').filter(Boolean))],
    [items],
  );
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (items ?? []).filter(
      (p) => !q || [p.title, p.text, p.category ?? ''].some((s) => s.toLowerCase().includes(q)),
    );
  }, [items, filter]);

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    try {
      await adminApi.phraseDelete(admin.token, deleting.id);
      setItems((list) => (list ?? []).filter((p) => p.id !== deleting.id));
      setDeleting(null);
      admin.toast('已删除');
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setDeleteBusy(false);
    }
  };

  return (
    <div class="single-page">
      <section class="panel">
        <div class="toolbar">
          <input
            type="search"
            class="search"
            placeholder="搜索标题、内容或分类"
            aria-label="搜索常用语"
            data-testid="phrase-search"
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
          />
          <div class="spacer" />
          {admin.canEdit && (
            <button type="button" class="primary" data-testid="phrase-new" onClick={() => setEditing('new')}>
              + 新建常用语
            </button>
          )}
        </div>
        <p class="muted small-text page-note">
          客服在工作台一键插入常用语；内容里的 <code>{'{agent}'}</code> 会换成客服的名字，<code>{'{shop}'}</code>{' '}
          会换成店铺名称。
        </p>
        {items === null ? (
          <LoadState error={loadError} onRetry={() => void load()} />
        ) : (
          <div class="table-wrap">
            <table class="table" data-testid="phrase-table">
              <thead>
                <tr>
                  <th class="col-cat">分类</th>
                  <th class="col-title">标题</th>
                  <th>内容</th>
                  {admin.canEdit && <th class="col-actions">操作</th>}
                </tr>
              </thead>
              <tbody>
                {shown.map((p) => (
                  <tr key={p.id} data-testid="phrase-row" data-phrase-id={p.id}>
                    <td class="col-cat">{p.category ? <span class="tag">{p.category}</span> : <span class="muted">—</span>}</td>
                    <td class="col-title" data-testid="phrase-row-title">
                      {p.title}
                    </td>
                    <td class="phrase-text">
                      <div data-testid="phrase-row-text">{p.text}</div>
                      <PolitenessWarnings items={warnings[String(p.id)]} testid="phrase-row-warnings" />
                    </td>
                    {admin.canEdit && (
                      <RowActions kind="phrase" onEdit={() => setEditing(p)} onDelete={() => setDeleting(p)} />
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {shown.length === 0 && (
              <div class="empty" data-testid="phrase-empty">
                {items.length === 0 ? '还没有常用语。' : '没有符合条件的常用语。'}
              </div>
            )}
          </div>
        )}
      </section>
      {editing && (
        <PhraseEditor
          phrase={editing === 'new' ? null : editing}
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={(saved, created, found) => {
            setWarnings((all) => ({ ...all, [String(saved.id)]: found }));
            setItems((list) => {
              const rest = (list ?? []).filter((p) => p.id !== saved.id);
              return created ? [...rest, saved] : (list ?? []).map((p) => (p.id === saved.id ? saved : p));
            });
            setEditing(null);
            admin.toast(created ? '常用语已创建' : '已保存');
          }}
        />
      )}
      {deleting && (
        <Confirm
          title="删除常用语"
          confirmText="删除"
          busy={deleteBusy}
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(null)}
        >
          <p>确定要删除常用语“{deleting.title}”吗？删除后无法恢复。</p>
          <p class="confirm-subject">{deleting.text}</p>
        </Confirm>
      )}
    </div>
  );
}

const PHRASE_FIELDS = ['title', 'text', 'category'] as const;

function PhraseEditor({
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
  const [text, setText] = useState(phrase?.text ?? '');
  const { errors, formMessage, edit, fail, reset } = useFormErrors(PHRASE_FIELDS);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    reset();
    const body: PhraseInput = { title, text };
    // the server takes no empty category; an existing one that was cleared is sent so its
    // answer ("分类不能为空") shows next to the field instead of silently keeping the old one
    if (category.trim() || phrase?.category) body.category = category.trim();
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

  return (
    <Dialog title={phrase ? '编辑常用语' : '新建常用语'} testid="phrase-editor" mode={phrase ? 'edit' : 'create'} onClose={onClose}>
      <form class="dialog-body form" onSubmit={save} data-testid="phrase-form" noValidate>
        <div class="field-row">
          <Field label="标题" name="title" error={errors.title} counter={`${title.length}/${MAX_TITLE}`} hint="工作台列表里显示的简称">
            <input
              id="field-title"
              data-testid="phrase-title"
              value={title}
              onInput={(e) => edit('title', setTitle, (e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field label="分类" name="category" error={errors.category} hint="例如 问候、售前、售后">
            <input
              id="field-category"
              data-testid="phrase-category"
              list="phrase-categories"
              value={category}
              onInput={(e) => edit('category', setCategory, (e.target as HTMLInputElement).value)}
            />
            <datalist id="phrase-categories">
              {categories.map((c) => (
                <option value={c} key={c} />
              ))}
            </datalist>
          </Field>
        </div>
        <Field
          label="内容"
          name="text"
          error={errors.text}
          counter={`${text.length}/${MAX_TEXT}`}
          hint={'可以使用 {agent}（客服名字）和 {shop}（店铺名称）'}
        >
          <textarea
            id="field-text"
            data-testid="phrase-text"
            rows={5}
            value={text}
            onInput={(e) => edit('text', setText, (e.target as HTMLTextAreaElement).value)}
          />
        </Field>
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
