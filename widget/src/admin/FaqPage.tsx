// 常见问题: the shop's FAQ as the bot uses it. A searchable, filterable list; create, edit,
// enable/disable and delete entries; 试一试 beside the list to check what the bot does now.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FaqEntry, PolitenessWarning } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { FaqEditor } from './FaqEditor';
import { ExportButtons, ImportDialog } from './FaqTransfer';
import { TryPanel } from './TryPanel';
import { PolitenessWarnings } from './Warnings';
import { Confirm, LoadState, useAdmin, RowActions } from './ui';

type StatusFilter = 'all' | 'enabled' | 'disabled';

function matchesSearch(e: FaqEntry, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return (
    e.question.toLowerCase().includes(needle) ||
    e.answer.toLowerCase().includes(needle) ||
    e.similar.some((s) => s.toLowerCase().includes(needle))
  );
}

export function FaqPage() {
  const admin = useAdmin();
  const [items, setItems] = useState<FaqEntry[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [editing, setEditing] = useState<FaqEntry | 'new' | null>(null);
  const [deleting, setDeleting] = useState<FaqEntry | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [importing, setImporting] = useState(false);
  const [toggling, setToggling] = useState<Set<number>>(new Set());
  /** The entry just saved: scrolled into view and highlighted for a moment. */
  const [flash, setFlash] = useState<number | null>(null);
  /** What the politeness check said about answers saved in this visit, by entry id. */
  const [warnings, setWarnings] = useState<Record<number, PolitenessWarning[]>>({});

  const load = async () => {
    setLoadError(null);
    try {
      setItems((await adminApi.faqList(admin.token)).items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`问答列表加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);
  useEffect(() => {
    if (flash === null) return undefined;
    document.querySelector(`[data-testid="faq-item"][data-faq-id="${flash}"]`)?.scrollIntoView({ block: 'center' });
    const t = window.setTimeout(() => setFlash(null), 2500);
    return () => window.clearTimeout(t);
  }, [flash]);

  const categories = useMemo(
    () => [...new Set((items ?? []).map((e) => e.category).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    [items],
  );
  const shown = useMemo(
    () =>
      (items ?? []).filter(
        (e) =>
          matchesSearch(e, search.trim()) &&
          (!category || e.category === category) &&
          (status === 'all' || e.enabled === (status === 'enabled')),
      ),
    [items, search, category, status],
  );

  const replace = (entry: FaqEntry) =>
    setItems((list) => {
      const rest = (list ?? []).filter((e) => e.id !== entry.id);
      return [...rest, entry].sort((a, b) => a.id - b.id);
    });

  const toggle = async (entry: FaqEntry) => {
    setToggling((s) => new Set(s).add(entry.id));
    try {
      const { entry: saved } = await adminApi.faqUpdate(admin.token, entry.id, { enabled: !entry.enabled });
      admin.edited();
      replace(saved);
      admin.toast(saved.enabled ? '已启用，机器人会使用这条问答' : '已停用，机器人不再使用这条问答');
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setToggling((s) => {
        const n = new Set(s);
        n.delete(entry.id);
        return n;
      });
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    try {
      await adminApi.faqDelete(admin.token, deleting.id);
      admin.edited();
      setItems((list) => (list ?? []).filter((e) => e.id !== deleting.id));
      admin.toast('已删除');
      setDeleting(null);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(errorText(e));
    } finally {
      setDeleteBusy(false);
    }
  };

  const openById = (id: number | string) => {
    const entry = (items ?? []).find((e) => String(e.id) === String(id));
    if (entry) setEditing(entry);
  };

  return (
    <div class="faq-page">
      <section class="panel faq-list-panel">
        <div class="toolbar">
          <input
            type="search"
            class="search"
            placeholder="搜索问题、相似问法或答案"
            aria-label="搜索问答"
            data-testid="faq-search"
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
          <select
            aria-label="按分类筛选"
            data-testid="faq-category-filter"
            value={category}
            onChange={(e) => setCategory((e.target as HTMLSelectElement).value)}
          >
            <option value="">全部分类</option>
            {categories.map((c) => (
              <option value={c} key={c}>
                {c}
              </option>
            ))}
          </select>
          <select
            aria-label="按状态筛选"
            data-testid="faq-status-filter"
            value={status}
            onChange={(e) => setStatus((e.target as HTMLSelectElement).value as StatusFilter)}
          >
            <option value="all">全部状态</option>
            <option value="enabled">已启用</option>
            <option value="disabled">已停用</option>
          </select>
          <div class="spacer" />
          {admin.canEdit && (
            <>
              <ExportButtons />
              <button type="button" class="secondary" data-testid="faq-import-open" onClick={() => setImporting(true)}>
                导入
              </button>
              <button type="button" class="primary" data-testid="faq-new" onClick={() => setEditing('new')}>
                + 新建问答
              </button>
            </>
          )}
        </div>
        {items === null ? (
          <LoadState error={loadError} onRetry={() => void load()} />
        ) : (
          <>
            <div class="list-summary muted" data-testid="faq-count" data-total={items.length} data-shown={shown.length}>
              共 {items.length} 条问答
              {shown.length !== items.length ? `，符合条件 ${shown.length} 条` : ''}
            </div>
            <div class="table-wrap">
              <table class="table faq-table" data-testid="faq-list">
                <thead>
                  <tr>
                    <th>问题</th>
                    <th class="col-cat">分类</th>
                    <th class="col-num">相似问法</th>
                    <th class="col-state">状态</th>
                    {admin.canEdit && <th class="col-actions">操作</th>}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((e) => (
                    <tr
                      key={e.id}
                      class={`${e.enabled ? '' : 'row-disabled'}${flash === e.id ? ' row-flash' : ''}`}
                      data-testid="faq-item"
                      data-faq-id={e.id}
                      data-enabled={String(e.enabled)}
                    >
                      <td class="col-question">
                        <div class="q" data-testid="faq-item-question">
                          {e.question}
                        </div>
                        <div class="a muted" title={e.answer}>
                          {e.answer}
                        </div>
                        <PolitenessWarnings items={warnings[e.id]} testid="faq-item-warnings" />
                      </td>
                      <td class="col-cat">
                        {e.category ? (
                          <span class="tag" data-testid="faq-item-category">
                            {e.category}
                          </span>
                        ) : (
                          <span class="muted" data-testid="faq-item-category">
                            —
                          </span>
                        )}
                      </td>
                      <td class="col-num" data-testid="faq-item-similar-count">
                        {e.similar.length}
                      </td>
                      <td class="col-state">
                        <button
                          type="button"
                          role="switch"
                          class={`switch${e.enabled ? ' on' : ''}`}
                          aria-checked={e.enabled}
                          aria-label={e.enabled ? '已启用，点击停用' : '已停用，点击启用'}
                          title={e.enabled ? '已启用，点击停用' : '已停用，点击启用'}
                          data-testid="faq-enabled-toggle"
                          data-enabled={String(e.enabled)}
                          disabled={!admin.canEdit || toggling.has(e.id)}
                          onClick={() => void toggle(e)}
                        >
                          <span class="knob" />
                          <span class="switch-text">{e.enabled ? '启用' : '停用'}</span>
                        </button>
                      </td>
                      {admin.canEdit && (
                        <RowActions kind="faq" onEdit={() => setEditing(e)} onDelete={() => setDeleting(e)} />
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              {shown.length === 0 && (
                <div class="empty" data-testid="faq-empty">
                  {items.length === 0 ? '还没有问答，点击“新建问答”添加第一条。' : '没有符合条件的问答，请换个关键词或分类。'}
                </div>
              )}
            </div>
          </>
        )}
      </section>
      <aside class="faq-side">
        <TryPanel onOpen={admin.canEdit ? openById : undefined} />
      </aside>
      {editing && (
        <FaqEditor
          entry={editing === 'new' ? null : editing}
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={(saved, created, found) => {
            admin.edited();
            replace(saved);
            setWarnings((all) => ({ ...all, [saved.id]: found }));
            setEditing(null);
            setFlash(saved.id);
            admin.toast(created ? '问答已创建，机器人约 1 秒后生效' : '已保存，机器人约 1 秒后生效');
          }}
        />
      )}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={() => {
            setImporting(false);
            void load();
          }}
        />
      )}
      {deleting && (
        <Confirm
          title="删除问答"
          confirmText="删除"
          busy={deleteBusy}
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(null)}
        >
          <p>确定要删除下面这条问答吗？删除后机器人将不再使用它，且无法恢复。</p>
          <p class="confirm-subject">{deleting.question}</p>
          <p class="muted small-text">只想暂时不用的话，可以改为“停用”。</p>
        </Confirm>
      )}
    </div>
  );
}
