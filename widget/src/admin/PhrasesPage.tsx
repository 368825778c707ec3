// 常用语: the standard phrases agents insert with one click in the agent panel.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Phrase, PolitenessWarning } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { PhraseEditor } from './PhraseEditor';
import { Confirm, LoadState, useAdmin, RowActions } from './ui';
import { PolitenessWarnings } from './Warnings';

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
      (p) =>
        !q || [p.title, p.text, p.category ?? '', p.shortcut ?? ''].some((s) => s.toLowerCase().includes(q)),
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
            placeholder="搜索标题、内容、分类或快捷词"
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
          客服在工作台一键插入常用语，或在回复框输入 <code>/</code> 加快捷词或关键词查找；内容里的{' '}
          <code>{'{agent}'}</code> 会换成客服的名字，<code>{'{shop}'}</code> 换成店铺名称，
          <code>{'{shopper}'}</code> 换成顾客的名字。
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
                  <th class="col-shortcut">快捷词</th>
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
                    <td class="col-shortcut" data-testid="phrase-row-shortcut">
                      {p.shortcut ? <code>/{p.shortcut}</code> : <span class="muted">—</span>}
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
