// The server's error codes (docs/protocol.md) in the words the agent panel shows.
import { TEXT_LIMIT } from '../shared/types';

const ERROR_TEXT: Record<string, string> = {
  conflict: '该会话已被其他客服接入',
  forbidden: '无法操作：可能已达接待上限、不在线或会话已结束',
  not_found: '会话不存在',
  rate_limited: '发送太频繁，请稍后重试',
  unavailable: '服务暂时不可用，请稍后重试',
  timeout: '网络不稳定，请求超时',
  text_too_long: `消息不能超过${TEXT_LIMIT}字`,
  empty_text: '消息不能为空',
};

export function errorText(code: string | undefined): string {
  return ERROR_TEXT[code ?? ''] ?? '操作失败，请重试';
}
