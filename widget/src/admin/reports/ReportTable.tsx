// One line per agent (or group) over the chosen range: the figures supervisors compare.
// Names are text nodes; a figure over nothing shows 「—」.
import { HANDOFF_TEXT } from '../../agent/views/labels';
import type { ReportRow } from './types';

export const share = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
export const secs = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}秒`);

function reasons(row: ReportRow): string {
  const parts = Object.entries(row.handoff_reasons).map(([r, n]) => `${HANDOFF_TEXT[r] ?? r} ${n}`);
  return parts.length ? parts.join('，') : '—';
}

interface Props {
  rows: ReportRow[];
  by: 'agent' | 'group';
  testid: string;
}

export function ReportTable({ rows, by, testid }: Props) {
  const nobody = by === 'agent' ? '未接入人工' : '未分组';
  return (
    <div class="table-wrap">
      <table class="table report-table" data-testid={testid}>
        <thead>
          <tr>
            <th class="col-name">{by === 'agent' ? '客服' : '分组'}</th>
            <th>会话</th>
            <th>机器人解决率</th>
            <th>平均首响</th>
            <th>首响P90</th>
            <th>首响达标率</th>
            <th>超时</th>
            <th>平均处理时长</th>
            <th>满意率</th>
            <th>投诉</th>
            <th>消息</th>
            <th class="col-reasons">转人工原因</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const holder = by === 'agent' ? r.agent : r.group;
            return (
              <tr key={`${r.period}-${holder?.id ?? 0}`} data-testid={`${testid}-row`}>
                <td class="col-name" data-testid={`${testid}-name`}>
                  {holder ? holder.name : <span class="muted">{nobody}</span>}
                </td>
                <td data-testid={`${testid}-conversations`}>{r.conversations}</td>
                <td>{share(r.bot_resolved_share)}</td>
                <td data-testid={`${testid}-first-response`}>{secs(r.first_response_avg_s)}</td>
                <td>{secs(r.first_response_p90_s)}</td>
                <td>{share(r.within_sla_share)}</td>
                <td>{r.sla_breaches}</td>
                <td>{secs(r.handling_avg_s)}</td>
                <td title={r.rated ? `${r.satisfied}/${r.rated} 条评价为4–5分` : '暂无评价'}>{share(r.satisfaction_rate)}</td>
                <td>{r.complaints}</td>
                <td>{r.messages}</td>
                <td class="col-reasons small-text">{reasons(r)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && (
        <div class="empty" data-testid={`${testid}-empty`}>
          所选时间内没有会话。
        </div>
      )}
    </div>
  );
}
