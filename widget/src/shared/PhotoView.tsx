// Photos as the shopper widget and the agent panel show them: a thumbnail in the chat (its box
// sized from the server's dimensions, so the list does not jump when it loads) and a lightbox
// with the full photo. Only our own URLs are ever put in `src` (shared/photos.ts).
import { useEffect, useState } from 'preact/hooks';
import { awaitingUpload, type Outgoing } from './outbox';
import { isOwnImageUrl, type PhotoProgress } from './photos';
import { Store, useStore } from './store';
import type { MessageImage } from './types';
import './photos.css';

const THUMB_EDGE = 200;

/** The photo being viewed large, one per page. */
const viewing = new Store<{ url: string | null }>({ url: null });

// Photo URLs expire (about an hour); a page left open longer re-reads its messages, which come
// with fresh URLs, when an image fails to load. At most once in a while, not once per image.
const REFRESH_EVERY_MS = 30_000;
let refresher: (() => void) | null = null;
let lastRefresh = 0;

/** The page's way to re-read its messages (the desk: the open chat; the widget: a reconnect). */
export function onExpiredPhotos(refresh: () => void): void {
  refresher = refresh;
}

function refreshExpired(): void {
  if (!refresher || Date.now() - lastRefresh < REFRESH_EVERY_MS) return;
  lastRefresh = Date.now();
  refresher();
}

export function openPhoto(url: string): void {
  if (isOwnImageUrl(url)) viewing.set({ url });
}

/** A box of the photo's shape, at most THUMB_EDGE on its longest side. */
export function thumbBox(width?: number, height?: number): { width: number; height: number } {
  const w = width && width > 0 ? width : THUMB_EDGE;
  const h = height && height > 0 ? height : THUMB_EDGE;
  const scale = Math.min(1, THUMB_EDGE / Math.max(w, h));
  return { width: Math.max(48, Math.round(w * scale)), height: Math.max(48, Math.round(h * scale)) };
}

/** A sent photo in the chat; a click (or tap) opens it large. */
export function PhotoThumb({ image, testid }: { image: MessageImage; testid: string }) {
  if (!isOwnImageUrl(image.thumb_url) || !isOwnImageUrl(image.url)) {
    return <span class="photo-missing">[图片]</span>;
  }
  const box = thumbBox(image.thumb_width ?? image.width, image.thumb_height ?? image.height);
  return (
    <button
      type="button"
      class="photo-thumb"
      data-testid={testid}
      aria-label="查看大图"
      style={{ width: `${box.width}px`, height: `${box.height}px` }}
      onClick={() => openPhoto(image.url)}
    >
      <img
        src={image.thumb_url}
        alt="图片"
        width={box.width}
        height={box.height}
        loading="lazy"
        onError={refreshExpired}
      />
    </button>
  );
}

/** My photo on its way: the preview, and while it uploads a progress bar. */
export function PendingPhoto({ item, progress, testid }: { item: Outgoing; progress?: PhotoProgress; testid: string }) {
  const src = progress?.preview ?? item.preview_url;
  // A browser that cannot show the file itself (HEIC on most phones) shows a label instead.
  const [broken, setBroken] = useState(false);
  const failed = item.state === 'failed';
  const uploading = awaitingUpload(item) && !failed;
  const fraction = Math.min(1, Math.max(0, progress?.progress ?? 0));
  const percent = Math.round(fraction * 100);
  return (
    <div class={`photo-pending ${failed ? 'failed' : ''}`} style={{ width: '160px', height: '160px' }}>
      {isOwnImageUrl(src) && !broken ? (
        <img src={src} alt="待发送的图片" onError={() => setBroken(true)} />
      ) : (
        <span>图片</span>
      )}
      {uploading && (
        <div
          class="photo-progress"
          data-testid={testid}
          data-progress={percent}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <span style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  );
}

/** Mounted once per page: the full photo over everything, closed by ×, Escape or a click. */
export function Lightbox() {
  const url = useStore(viewing, (s) => s.url);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') viewing.set({ url: null });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [url]);
  if (!url) return null;
  const close = () => viewing.set({ url: null });
  return (
    <div class="lightbox" data-testid="lightbox" role="dialog" aria-modal="true" aria-label="查看图片" onClick={close}>
      {failed === url ? (
        <p class="lightbox-error" data-testid="lightbox-error">
          图片暂时无法打开（链接可能已过期），已为您刷新，请关闭后再点一次
        </p>
      ) : (
        <img
          class="lightbox-image"
          data-testid="lightbox-image"
          src={url}
          alt="图片"
          onClick={(e) => e.stopPropagation()}
          onError={() => {
            setFailed(url);
            refreshExpired();
          }}
        />
      )}
      <button type="button" class="lightbox-close" data-testid="lightbox-close" aria-label="关闭" onClick={close}>
        ×
      </button>
    </div>
  );
}
