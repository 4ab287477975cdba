// A minimal event emitter, so the model stays free of the vscode module and can run in plain Node.

export interface Disposable {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<(e: T) => void>();

  readonly event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      l(e);
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
