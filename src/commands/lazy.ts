/**
 * A value loaded on first use and kept: what a command declares from a heavy module (event types,
 * writer defaults) is imported only when that command runs or shows its help, not on every start.
 */
export class Lazy<T> {
  private loading: Promise<T> | undefined;
  private loaded: { value: T } | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  /** Loads the value, once. */
  get(): Promise<T> {
    this.loading ??= this.load().then((value) => {
      this.loaded = { value };
      return value;
    });
    return this.loading;
  }

  /** The value if `get` has finished, else undefined. */
  peek(): T | undefined {
    return this.loaded?.value;
  }

  /** A value derived from this one, loaded with it. */
  map<U>(derive: (value: T) => U): Lazy<U> {
    return new Lazy(async () => derive(await this.get()));
  }
}

export const lazy = <T>(load: () => Promise<T>): Lazy<T> => new Lazy(load);
