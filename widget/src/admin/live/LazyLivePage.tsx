// The live view is fetched when its tab is first opened: socket.io-client stays out of the
// console's first load (the other pages only talk REST).
import { lazyPage } from '../lazyPage';

export const LazyLivePage = lazyPage(
  () => import('./LivePage').then((m) => m.LivePage),
  '实时监控页面加载失败，请检查网络后重试',
);
