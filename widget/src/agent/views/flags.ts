// The five order flags of the shop manuals, in their order, with the words the panel shows.
import type { ConversationFlag } from '../../shared/types';

export const FLAGS: readonly ConversationFlag[] = ['red', 'yellow', 'green', 'blue', 'purple'];

export const FLAG_NAME: Record<ConversationFlag, string> = { red: '红', yellow: '黄', green: '绿', blue: '蓝', purple: '紫' };

export const FLAG_MEANING: Record<ConversationFlag, string> = {
  red: '常规',
  yellow: '特殊配送',
  green: '延迟发货',
  blue: '赠品或退款',
  purple: '其他',
};

/** "红 常规": a flag's colour and meaning, for tooltips and labels. */
export function flagTitle(flag: ConversationFlag): string {
  return `${FLAG_NAME[flag]} ${FLAG_MEANING[flag]}`;
}
