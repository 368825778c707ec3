// The reports page is fetched when its tab is first opened: the charting library stays out of
// the console's first load (and out of every other page).
import { lazyPage } from '../lazyPage';

export const LazyReportsPage = lazyPage(
  () => import('./ReportsPage').then((m) => m.ReportsPage),
  '报表页面加载失败，请检查网络后重试',
);
