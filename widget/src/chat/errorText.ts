// What the shopper reads when a message or request is refused, by the contract's error code.
import { TEXT_LIMIT } from '../shared/types';

export const ERROR_TEXT: Record<string, string> = {
  empty_text: '消息不能为空',
  text_too_long: `消息太长了，请控制在${TEXT_LIMIT}字以内`,
  rate_limited: '发送太频繁，请稍后重试',
  unavailable: '服务暂时不可用，请稍后重试',
  timeout: '网络不稳定，发送超时',
  forbidden: '当前无法发送',
  invalid_payload: '消息格式有误',
};
