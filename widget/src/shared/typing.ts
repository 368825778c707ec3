// "I am typing" for the other side: sent once per burst of keystrokes, and "stopped" after a
// few idle seconds or when the message is sent. Shared by the shopper widget and the agent panel.
const TYPING_IDLE_MS = 3000;

export class TypingSignal {
  /** Set while the other side believes I am typing. */
  private idleTimer: number | undefined;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly connected: () => boolean,
  ) {}

  /** Call on every keystroke. */
  input(): void {
    if (!this.connected()) return;
    if (this.idleTimer === undefined) this.send(true);
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop(): void {
    if (this.idleTimer === undefined) return;
    window.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.connected()) this.send(false);
  }
}
