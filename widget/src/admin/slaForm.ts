// The SLA policy form's values: what the admin types (seconds, hours for the resolution) and what
// the API takes (seconds). Blank or non-numeric input is sent as is, so the server's message for
// that field explains it.
import type { SlaPolicy } from '../shared/types';

export interface SlaDraft {
  first_response_s: string;
  next_response_s: string;
  resolution_h: string;
  warn_percent: string;
  business_hours_only: boolean;
}

export const SLA_FIELDS = [
  'first_response_s',
  'next_response_s',
  'resolution_s',
  'warn_percent',
  'business_hours_only',
  'reassign_after_s',
] as const;

export function draftOf(p: SlaPolicy): SlaDraft {
  return {
    first_response_s: String(p.first_response_s),
    next_response_s: String(p.next_response_s),
    resolution_h: String(Math.round((p.resolution_s / 3600) * 100) / 100),
    warn_percent: String(p.warn_percent),
    business_hours_only: p.business_hours_only,
  };
}

function num(text: string): number | string {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

export function policyBody(d: SlaDraft): Record<string, unknown> {
  const hours = num(d.resolution_h);
  return {
    first_response_s: num(d.first_response_s),
    next_response_s: num(d.next_response_s),
    resolution_s: typeof hours === 'number' ? Math.round(hours * 3600) : hours,
    warn_percent: num(d.warn_percent),
    business_hours_only: d.business_hours_only,
  };
}

/** "45 秒" for a 60 s target at 75%: when the warning comes. */
export function warnAt(d: SlaDraft, field: 'first_response_s' | 'next_response_s'): string {
  const target = Number(d[field]);
  const percent = Number(d.warn_percent);
  if (!Number.isFinite(target) || !Number.isFinite(percent)) return '';
  return `第 ${Math.ceil((target * percent) / 100)} 秒提醒`;
}
