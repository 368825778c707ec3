// Time and duration formatting for Chinese UI text.

export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${hh}:${mm}`;
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getMonth() + 1}月${d.getDate()}日 ${clockTime(iso)}`;
}

/** "45秒", "3分12秒", "1小时5分" — for waiting times that tick. */
export function elapsed(fromIso: string | null | undefined, now: number): string {
  if (!fromIso) return '';
  return durationText((now - new Date(fromIso).getTime()) / 1000);
}

/** A number of seconds in the same words as `elapsed`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}分${String(s % 60).padStart(2, '0')}秒`;
  return `${Math.floor(m / 60)}小时${m % 60}分`;
}

/** An estimated wait in words: "不到1分钟", "约3分钟". */
export function etaText(etaS: number): string {
  if (!Number.isFinite(etaS) || etaS < 60) return '不到1分钟';
  return `约${Math.round(etaS / 60)}分钟`;
}

/** "★★★★☆" for a score of 4 (of 5). */
export function starText(score: number): string {
  const n = Math.max(0, Math.min(5, Math.round(score)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}
