/** A lock for async code on one thread: `lock()` waits until nobody holds it, `unlock()` lets the next waiter in. */
export class Mutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  /** Takes the lock at once if nobody holds it; false (and nothing taken) otherwise. */
  tryLock(): boolean {
    if (this.#held) return false;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
    return true;
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }

  /** Resolves once nobody holds the lock (at once if nobody does). */
  async idle(): Promise<void> {
    while (this.#held) await this.#held;
  }
}
