// 店铺设置 › 礼貌用语检查: the word lists the politeness check uses for this shop, one textarea per
// list, one word per line (“词=替换” where the list has replacements). 恢复默认 puts a list back on
// the built-in defaults (it then follows them, also when they improve). Admins edit; supervisors
// read.
import { useEffect, useState } from 'preact/hooks';
import type { PolitenessCategory, PolitenessSettings as Settings, PolitenessWords } from '../shared/types';
import { adminApi, type PolitenessInput } from './api';
import { errorText } from './errors';
import { Field, FormError, LoadState, useAdmin, useFormErrors } from './ui';

interface ListInfo {
  id: PolitenessCategory;
  label: string;
  hint: string;
}

const LISTS: ListInfo[] = [
  { id: 'address', label: '禁用称呼', hint: '不能用来称呼顾客的词（如 姐姐、美女）。客服会被提醒改用“您”。' },
  { id: 'slang', label: '网络用语和方言', hint: '“词=规范说法”自动替换；“词=”表示删去；只写词表示只提醒。' },
  { id: 'arguing', label: '争辩说教', hint: '像在争辩或说教的话，“话=更委婉的说法”。' },
  { id: 'refusal', label: '推脱的话', hint: '单独说出时像推脱的话（如 不知道），“话=帮顾客解决的说法”。' },
  { id: 'keep', label: '不改动的词', hint: '商品名、品牌名，以及含“你”“亲”但不是称呼的词（如 迷你、花呗）。' },
];
const FIELDS = LISTS.map((l) => l.id);
const MAX_ENTRIES = 100;

type Texts = Record<PolitenessCategory, string>;
type Flags = Record<PolitenessCategory, boolean>;

/** One line per entry: the word, or “word=replacement” when the list has replacements. */
function toText(words: PolitenessWords, id: PolitenessCategory): string {
  if (id === 'address' || id === 'keep') return words[id].join('\n');
  return words[id].map((t) => (t.replacement === null ? t.word : `${t.word}=${t.replacement}`)).join('\n');
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function fromText(text: string, id: PolitenessCategory): PolitenessInput[PolitenessCategory] {
  if (id === 'address' || id === 'keep') return lines(text);
  return lines(text).map((line) => {
    const at = line.indexOf('=');
    return at < 0
      ? { word: line, replacement: null }
      : { word: line.slice(0, at).trim(), replacement: line.slice(at + 1).trim() };
  });
}

function initial(s: Settings): { texts: Texts; following: Flags } {
  const texts = {} as Texts;
  const following = {} as Flags;
  for (const { id } of LISTS) {
    texts[id] = toText(s.words, id);
    following[id] = !s.custom.includes(id);
  }
  return { texts, following };
}

export function PolitenessSettings() {
  const admin = useAdmin();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [texts, setTexts] = useState<Texts | null>(null);
  const [following, setFollowing] = useState<Flags | null>(null);
  const [busy, setBusy] = useState(false);
  const { errors, formMessage, edit, fail, reset } = useFormErrors(FIELDS);
  const readOnly = !admin.isAdmin;

  const show = (s: Settings) => {
    const start = initial(s);
    setSettings(s);
    setTexts(start.texts);
    setFollowing(start.following);
  };
  const load = async () => {
    setLoadError(null);
    try {
      show(await adminApi.politeness(admin.token));
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`礼貌用语设置加载失败：${errorText(e)}`);
    }
  };
  useEffect(() => void load(), []);

  if (!settings || !texts || !following) {
    return (
      <section class="panel politeness-panel">
        <LoadState error={loadError} onRetry={() => void load()} />
      </section>
    );
  }

  const saved = initial(settings);
  const dirty = LISTS.some(({ id }) => texts[id] !== saved.texts[id] || following[id] !== saved.following[id]);

  const change = (id: PolitenessCategory, value: string) => {
    edit(id, (v: string) => setTexts({ ...texts, [id]: v }), value);
    setFollowing({ ...following, [id]: false });
  };
  const restore = (id: PolitenessCategory) => {
    edit(id, (v: string) => setTexts({ ...texts, [id]: v }), toText(settings.defaults, id));
    setFollowing({ ...following, [id]: true });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    reset();
    const body: PolitenessInput = {};
    for (const { id } of LISTS) {
      (body as Record<string, unknown>)[id] = following[id] ? null : fromText(texts[id], id);
    }
    try {
      show(await adminApi.politenessUpdate(admin.token, body));
      admin.toast('礼貌用语设置已保存，客服工作台立即按新的词表检查');
    } catch (err) {
      if (!admin.expired(err)) fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel politeness-panel" data-testid="politeness-settings">
      <h2>礼貌用语检查</h2>
      <p class="muted small-text page-note">
        客服输入回复时，工作台会按这些词表提醒：对顾客说“您”不说“你”，不用不当称呼、网络用语和方言，不争辩说教，不只说“不知道”“没办法”。
        引号里的内容不检查。每个词表最多 {MAX_ENTRIES} 条，每行一条。
      </p>
      {readOnly && (
        <div class="readonly-note" data-testid="politeness-readonly-note">
          只有管理员可以修改礼貌用语词表，您可以查看当前内容。
        </div>
      )}
      <form class="form" onSubmit={save} noValidate data-testid="politeness-form">
        <div class="politeness-grid">
          {LISTS.map(({ id, label, hint }) => (
            <Field key={id} label={label} name={id} error={errors[id]} hint={hint}
              counter={`${lines(texts[id]).length}/${MAX_ENTRIES} 条`}>
              <div class="list-head">
                <span class={`list-state${following[id] ? '' : ' custom'}`} data-testid="politeness-list-state"
                  data-category={id} data-custom={String(!following[id])}>
                  {following[id] ? '默认词表' : '本店自定义'}
                </span>
                {!readOnly && (
                  <button type="button" class="text-button" data-testid="politeness-reset" data-category={id}
                    disabled={following[id]} onClick={() => restore(id)}>
                    恢复默认
                  </button>
                )}
              </div>
              <textarea
                id={`field-${id}`}
                data-testid="politeness-list"
                data-category={id}
                rows={8}
                value={texts[id]}
                readOnly={readOnly}
                onInput={(e) => change(id, (e.target as HTMLTextAreaElement).value)}
              />
            </Field>
          ))}
        </div>
        <FormError message={formMessage} testid="politeness-form-error" />
        {!readOnly && (
          <div class="form-foot">
            <button type="button" class="secondary" data-testid="politeness-undo" disabled={!dirty || busy}
              onClick={() => {
                show(settings);
                reset();
              }}>
              还原
            </button>
            <button type="submit" class="primary" data-testid="politeness-save" disabled={busy || !dirty}>
              {busy ? '保存中…' : '保存词表'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
