// 数据报表: for supervisors and admins. The filters, the totals of the range, the trend charts
// and the tables per agent and per group, with CSV and Excel downloads of each. Loaded only when
// the tab is opened (Console.tsx), so ECharts never weighs on the other pages.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../errors';
import { LoadState, useAdmin } from '../ui';
import { downloadReport, fetchReport } from './reportsApi';
import { ReportTable, secs, share } from './ReportTable';
import { TrendCharts } from './TrendCharts';
import type { Dimension, Report, ReportFilters } from './types';
import './reports.css';

interface Loaded {
  trend: Report;
  total: Report;
  agents: Report;
  groups: Report;
}

const PERIOD_TEXT = { day: '按天', week: '按周', month: '按月' } as const;

/** The local date (YYYY-MM-DD) of an instant in the shop's zone. */
function localDate(iso: string, zone: string, exclusiveEnd = false): string {
  const t = new Date(iso).getTime() - (exclusiveEnd ? 1 : 0);
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(t);
}

export function ReportsPage() {
  const admin = useAdmin();
  const [filters, setFilters] = useState<ReportFilters>({ from: '', to: '', period: 'day', group: '', agent: '' });
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [names, setNames] = useState<{ agents: Map<number, string>; groups: Map<number, string> }>({
    agents: new Map(),
    groups: new Map(),
  });
  const [busy, setBusy] = useState(false);

  const load = async (f: ReportFilters) => {
    setBusy(true);
    setError(null);
    try {
      const scope = { from: f.from, to: f.to, group: f.group, agent: f.agent };
      const [trend, total, agents, groups] = await Promise.all([
        fetchReport(admin.token, 'shop', { ...scope, period: f.period }),
        fetchReport(admin.token, 'shop', { ...scope, period: 'all' }),
        fetchReport(admin.token, 'agents', { ...scope, period: 'all' }),
        fetchReport(admin.token, 'groups', { ...scope, period: 'all' }),
      ]);
      setData({ trend, total, agents, groups });
      setNames((known) => {
        const next = { agents: new Map(known.agents), groups: new Map(known.groups) };
        for (const r of agents.rows) if (r.agent) next.agents.set(r.agent.id, r.agent.name);
        for (const r of groups.rows) if (r.group) next.groups.set(r.group.id, r.group.name);
        return next;
      });
      if (!f.from || !f.to) {
        setFilters({ ...f, from: localDate(trend.from, trend.zone), to: localDate(trend.to, trend.zone, true) });
      }
    } catch (e) {
      if (!admin.expired(e)) setError(`报表加载失败：${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(filters), []);

  const set = (patch: Partial<ReportFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const download = async (dimension: Dimension, format: 'csv' | 'xlsx') => {
    try {
      const period = dimension === 'shop' ? filters.period : 'all';
      await downloadReport(admin.token, dimension, { ...filters, period }, format);
    } catch (e) {
      if (!admin.expired(e)) admin.toast(`导出失败：${errorText(e)}`);
    }
  };
  const exports = (dimension: Dimension) => (
    <span class="report-exports">
      <button type="button" class="secondary small" data-testid={`report-export-${dimension}-csv`} onClick={() => void download(dimension, 'csv')}>
        导出 CSV
      </button>
      <button type="button" class="secondary small" data-testid={`report-export-${dimension}-xlsx`} onClick={() => void download(dimension, 'xlsx')}>
        导出 Excel
      </button>
    </span>
  );

  const total = data?.total.rows[0];
  const target = data?.trend.targets.first_response_default_s ?? 60;
  return (
    <div class="single-page reports-page">
      <form
        class="panel toolbar report-filters"
        data-testid="report-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
      >
        <label>
          从 <input type="date" data-testid="report-from" value={filters.from} onInput={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          到 <input type="date" data-testid="report-to" value={filters.to} onInput={(e) => set({ to: e.currentTarget.value })} />
        </label>
        <select data-testid="report-period" value={filters.period} onChange={(e) => set({ period: e.currentTarget.value as ReportFilters['period'] })}>
          {Object.entries(PERIOD_TEXT).map(([value, text]) => (
            <option key={value} value={value}>{text}</option>
          ))}
        </select>
        <select data-testid="report-group" value={filters.group} onChange={(e) => set({ group: e.currentTarget.value })}>
          <option value="">全部分组</option>
          {[...names.groups].map(([id, name]) => (
            <option key={id} value={String(id)}>{name}</option>
          ))}
        </select>
        <select data-testid="report-agent" value={filters.agent} onChange={(e) => set({ agent: e.currentTarget.value })}>
          <option value="">全部客服</option>
          {[...names.agents].map(([id, name]) => (
            <option key={id} value={String(id)}>{name}</option>
          ))}
        </select>
        <button type="submit" class="primary" disabled={busy} data-testid="report-apply">
          {busy ? '加载中…' : '查询'}
        </button>
        {data && <span class="muted small-text">时区：{data.trend.zone}</span>}
      </form>
      {!data ? (
        <LoadState error={error} onRetry={() => void load(filters)} />
      ) : (
        <>
          {error && <div class="load-error" role="alert">{error}</div>}
          {total && (
            <div class="report-kpis" data-testid="report-kpis">
              <Kpi label="会话数" value={String(total.conversations)} testid="kpi-conversations" />
              <Kpi label="机器人解决率" value={share(total.bot_resolved_share)} testid="kpi-bot-share" />
              <Kpi label="平均首次响应" value={secs(total.first_response_avg_s)} testid="kpi-first-response" />
              <Kpi label="首次响应P90" value={secs(total.first_response_p90_s)} testid="kpi-p90" />
              <Kpi label="首响达标率" value={share(total.within_sla_share)} testid="kpi-within-sla" />
              <Kpi label="超时次数" value={String(total.sla_breaches)} testid="kpi-breaches" />
              <Kpi label="满意率" value={share(total.satisfaction_rate)} testid="kpi-satisfaction" />
              <Kpi label="投诉" value={String(total.complaints)} testid="kpi-complaints" />
            </div>
          )}
          <div class="report-section-head">
            <h2>趋势（{PERIOD_TEXT[filters.period as keyof typeof PERIOD_TEXT] ?? ''}）</h2>
            {exports('shop')}
          </div>
          <TrendCharts rows={data.trend.rows} targetS={target} />
          <section class="panel">
            <div class="report-section-head">
              <h2>客服</h2>
              {exports('agents')}
            </div>
            <ReportTable rows={data.agents.rows} by="agent" testid="report-agents" />
          </section>
          <section class="panel">
            <div class="report-section-head">
              <h2>分组</h2>
              {exports('groups')}
            </div>
            <ReportTable rows={data.groups.rows} by="group" testid="report-groups" />
          </section>
        </>
      )}
    </div>
  );
}

function Kpi({ label, value, testid }: { label: string; value: string; testid: string }) {
  return (
    <div class="report-kpi">
      <div class="muted small-text">{label}</div>
      <div class="report-kpi-value" data-testid={testid}>{value}</div>
    </div>
  );
}
