// Read state (已读): tells the server how far this side has read each conversation it shows.
// A `read` goes out only while the page is visible and the chat is on screen (`canSee`), for the
// highest seq shown, a moment after it appears (a burst of messages is one `read`). The server
// only moves marks forward, so a resend after a reconnect is harmless.

const SETTLE_MS = 300;

export class ReadReporter {
  /** Per conversation: the highest seq on screen, and the highest told to the server. */
  private readonly shownSeq = new Map<number, number>();
  private readonly sentSeq = new Map<number, number>();
  private timer: number | undefined;

  constructor(
    private readonly transmit: (conversationId: number, seq: number) => Promise<boolean>,
    private readonly canSee: (conversationId: number) => boolean,
  ) {
    document.addEventListener('visibilitychange', () => this.schedule());
    window.addEventListener('focus', () => this.schedule());
  }

  /** Messages up to `seq` of this conversation are on screen (or the server's mark is). */
  shown(conversationId: number, seq: number): void {
    if (seq > (this.shownSeq.get(conversationId) ?? 0)) this.shownSeq.set(conversationId, seq);
    this.schedule();
  }

  /** The server already has this mark (from `session` or a chat payload): no need to send it. */
  known(conversationId: number, seq: number): void {
    if (seq > (this.sentSeq.get(conversationId) ?? 0)) this.sentSeq.set(conversationId, seq);
  }

  /** The chat on screen or the page's visibility changed. */
  schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.flush(), SETTLE_MS);
  }

  private flush(): void {
    if (document.visibilityState !== 'visible') return;
    for (const [conversationId, seq] of this.shownSeq) {
      const sent = this.sentSeq.get(conversationId) ?? 0;
      if (seq <= sent || !this.canSee(conversationId)) continue;
      this.sentSeq.set(conversationId, seq);
      void this.transmit(conversationId, seq).then((ok) => {
        // not stored (offline, refused): forget it was sent, so the next chance sends it again
        if (!ok && this.sentSeq.get(conversationId) === seq) this.sentSeq.set(conversationId, sent);
      });
    }
  }
}
