// The admin console after login: top bar, tabs (the editors' pages, and the supervisors' and
// admins' pages for the team, complaints, hours, SLA, reports and integrations) and a toast.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { BlocksPage } from './BlocksPage';
import { ComplaintsPage } from './ComplaintsPage';
import { isUnauthorized } from '../shared/api';
import type { StaffSession } from '../shared/session';
import { FaqPage } from './FaqPage';
import { IntegrationsPage } from './IntegrationsPage';
import { LearningPage } from './LearningPage';
import { HoursPage } from './HoursPage';
import { PhrasesPage } from './PhrasesPage';
import { PolitenessSettings } from './PolitenessSettings';
import { LazyLivePage } from './live/LazyLivePage';
import { LazyReportsPage } from './reports/LazyReportsPage';
import { ShopPage } from './ShopPage';
import { WidgetSetupPanel } from './WidgetSetupPanel';
import { SlaPage } from './SlaPage';
import { ROLE_LABELS } from './staffApi';
import { TeamPage } from './TeamPage';
import { Admin, EDIT_SETTLE_MS, type AdminContext } from './ui';

const TABS = [
  { id: 'faq', label: '常见问题' },
  { id: 'learning', label: '机器人学习' },
  { id: 'phrases', label: '常用语' },
  { id: 'shop', label: '店铺设置' },
  { id: 'live', label: '实时监控' },
  { id: 'blocks', label: '拒访名单' },
  { id: 'team', label: '客服与分组' },
  { id: 'complaints', label: '投诉管理' },
  { id: 'hours', label: '营业时间' },
  { id: 'sla', label: '服务时效' },
  { id: 'reports', label: '数据报表' },
  { id: 'integrations', label: '集成' },
] as const;
type Tab = (typeof TABS)[number]['id'];
/** Tabs only supervisors and admins see (the server refuses the rest too). */
const SUPERVISOR_TABS: readonly Tab[] = ['live', 'blocks', 'team', 'complaints', 'learning', 'hours', 'sla', 'reports'];
/** Tabs only admins see (the server refuses the rest too). */
const ADMIN_TABS: readonly Tab[] = ['integrations'];

function tabFromHash(): Tab {
  const h = window.location.hash.replace(/^#/, '');
  return (TABS.find((t) => t.id === h)?.id ?? 'faq') as Tab;
}

interface ConsoleProps {
  session: StaffSession;
  onLogout: () => void;
  onExpired: () => void;
}

export function Console({ session, onLogout, onExpired }: ConsoleProps) {
  const supervising = session.agent.role === 'admin' || session.agent.role === 'supervisor';
  const tabs = TABS.filter(
    (t) => (supervising || !SUPERVISOR_TABS.includes(t.id)) && (session.agent.role === 'admin' || !ADMIN_TABS.includes(t.id)),
  );
  const [tab, setTab] = useState<Tab>(() => {
    const t = tabFromHash();
    return tabs.some((x) => x.id === t) ? t : 'faq';
  });
  const [toast, setToast] = useState<string | null>(null);
  const [shopName, setShopName] = useState(session.agent.shop?.name ?? '');
  const toastTimer = useRef<number>();
  const lastEdit = useRef(0);

  useEffect(() => {
    const onHash = () => {
      const t = tabFromHash();
      setTab(tabs.some((x) => x.id === t) ? t : 'faq');
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = `${TABS.find((t) => t.id === tab)?.label ?? ''} - 管理后台`;
  }, [tab]);

  const ctx = useMemo<AdminContext>(
    () => ({
      token: session.token,
      agent: session.agent,
      canEdit: session.agent.role === 'admin' || session.agent.role === 'supervisor',
      isAdmin: session.agent.role === 'admin',
      toast: (text: string) => {
        setToast(text);
        window.clearTimeout(toastTimer.current);
        toastTimer.current = window.setTimeout(() => setToast(null), 3500);
      },
      expired: (e: unknown) => {
        if (!isUnauthorized(e)) return false;
        onExpired();
        return true;
      },
      setShopName,
      edited: () => {
        lastEdit.current = Date.now();
      },
      editsSettled: () => {
        const wait = lastEdit.current + EDIT_SETTLE_MS - Date.now();
        return wait > 0 ? new Promise((resolve) => window.setTimeout(resolve, wait)) : Promise.resolve();
      },
    }),
    [session],
  );

  const choose = (t: Tab) => {
    setTab(t);
    history.replaceState(null, '', `#${t}`);
  };

  return (
    <Admin.Provider value={ctx}>
      <div class="console">
        <header class="topbar">
          <div class="brand">管理后台</div>
          <div class="shop" data-testid="admin-shop-name">
            {shopName}
          </div>
          <div class="spacer" />
          <a class="topbar-link" href="/agent/" data-testid="open-agent-panel">
            客服工作台
          </a>
          <span class="me">
            <span data-testid="admin-user-name">{session.agent.name}</span>
            <span class="role-badge" data-testid="admin-role" data-role={session.agent.role}>
              {ROLE_LABELS[session.agent.role] ?? session.agent.role}
            </span>
          </span>
          <button type="button" class="ghost" data-testid="logout-button" onClick={onLogout}>
            退出
          </button>
        </header>
        <nav class="tabs" role="tablist" aria-label="管理内容">
          {tabs.map((t) => (
            <button
              type="button"
              role="tab"
              key={t.id}
              class={`tab${tab === t.id ? ' active' : ''}`}
              aria-selected={tab === t.id}
              data-testid={`admin-tab-${t.id}`}
              onClick={() => choose(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <main class="content" data-testid={`admin-page-${tab}`}>
          {tab === 'faq' && <FaqPage />}
          {tab === 'learning' && <LearningPage />}
          {tab === 'phrases' && <PhrasesPage />}
          {tab === 'shop' && (
            <>
              <ShopPage />
              <WidgetSetupPanel />
              <PolitenessSettings />
            </>
          )}
          {tab === 'live' && <LazyLivePage />}
          {tab === 'blocks' && <BlocksPage />}
          {tab === 'complaints' && <ComplaintsPage />}
          {tab === 'integrations' && <IntegrationsPage />}
          {tab === 'reports' && <LazyReportsPage />}
          {tab === 'sla' && <SlaPage />}
          {tab === 'hours' && <HoursPage />}
          {tab === 'team' && <TeamPage />}
        </main>
        {toast && (
          <div class="toast" role="status" data-testid="admin-toast">
            {toast}
          </div>
        )}
      </div>
    </Admin.Provider>
  );
}
