// One part of a page that fails to draw (a message with data nobody expected) shows a short
// placeholder instead of taking the whole app down with it; the rest goes on working.
import { Component, type ComponentChildren } from 'preact';

interface Props {
  children: ComponentChildren;
  /** What to show instead; nothing when omitted. */
  fallback?: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: unknown): void {
    console.warn('[chatserver] a part of the page could not be shown', error);
  }

  render() {
    return this.state.failed ? (this.props.fallback ?? null) : this.props.children;
  }
}
