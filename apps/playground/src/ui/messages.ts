import type { ProblemReport } from '../protocol.js';

/**
 * Messages above the results: a problem (what happened, what to do) stays until dismissed or replaced; notices
 * fade out by themselves.
 */
export class Messages {
  constructor(private readonly container: HTMLElement) {}

  problem({ what, todo }: ProblemReport): void {
    this.container.querySelector('.problem')?.remove();
    const box = document.createElement('div');
    box.className = 'message problem';
    box.setAttribute('role', 'alert');
    const title = Object.assign(document.createElement('strong'), { textContent: what });
    const advice = Object.assign(document.createElement('p'), { textContent: todo });
    const close = Object.assign(document.createElement('button'), { className: 'dismiss', textContent: '×', title: 'Dismiss' });
    close.addEventListener('click', () => box.remove());
    box.append(close, title, advice);
    this.container.prepend(box);
  }

  notice(text: string, lingerMs = 8000): void {
    const box = Object.assign(document.createElement('div'), { className: 'message notice', textContent: text });
    this.container.append(box);
    setTimeout(() => box.remove(), lingerMs);
  }

  clearProblems(): void {
    for (const box of this.container.querySelectorAll('.problem')) box.remove();
  }
}
