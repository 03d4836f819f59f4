/**
 * Scrolls a result panel into view when a run starts and the panel begins below the middle of the
 * screen (one column on a phone puts it under the input): the stream is what the visitor came to see.
 */
export function reveal(panel: HTMLElement | null): void {
  if (!panel || panel.getBoundingClientRect().top < window.innerHeight / 2) return;
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
}
