// Server answers in words for the editors. A validation error carries the request field it is
// about (`error.field`) and is shown next to that field; anything else is shown for the form.
import { ApiError } from '../shared/api';

const CODE_TEXT: Record<string, string> = {
  network: '网络连接失败，请检查网络后重试',
  unavailable: '服务暂时不可用，请稍后重试',
  not_found: '该条目已不存在（可能已被他人删除），请刷新列表',
  conflict: '内容已被他人修改，请刷新后重试',
  rate_limited: '操作太频繁，请稍后再试',
};

export interface FormError {
  /** The form field the message belongs to, or null for the whole form. */
  field: string | null;
  message: string;
}

/** The server's message for the form: attached to a field when it names one of `fields`. */
export function formError(e: unknown, fields: readonly string[]): FormError {
  if (!(e instanceof ApiError)) return { field: null, message: '操作失败，请重试' };
  if (e.field && fields.includes(e.field)) return { field: e.field, message: e.message };
  return { field: null, message: errorText(e) };
}

/** A failed request in words, for notices and toasts. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return '操作失败，请重试';
  if (e.code === 'forbidden') return e.message || '您没有权限进行此操作';
  const known = CODE_TEXT[e.code];
  if (known) return known;
  return /[\u4e00-\u9fff]/.test(e.message) ? e.message : '操作失败，请重试';
}
