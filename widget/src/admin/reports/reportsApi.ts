// GET /api/reports/{shop,agents,groups}: the JSON for the page, and CSV / Excel downloads.
import { ApiError, request } from '../../shared/api';
import type { Dimension, Report, ReportFilters } from './types';

function query(filters: Partial<ReportFilters>, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function fetchReport(token: string, dimension: Dimension, filters: Partial<ReportFilters>): Promise<Report> {
  return request<Report>('GET', `/api/reports/${dimension}${query(filters, {})}`, token);
}

const FILE_TITLE: Record<Dimension, string> = { shop: '全店报表', agents: '客服报表', groups: '分组报表' };

/** Fetches the export with the login's token and hands it to the browser as a download. */
export async function downloadReport(
  token: string,
  dimension: Dimension,
  filters: Partial<ReportFilters>,
  format: 'csv' | 'xlsx',
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/reports/${dimension}${query(filters, { format })}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败');
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, data?.error?.code ?? 'unavailable', data?.error?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `${FILE_TITLE[dimension]}-${filters.from || '近30天'}.${format}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
