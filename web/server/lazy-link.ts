/**
 * A connection the web server opens on first use, not at start, so the pages that need none keep
 * working while its server is down; a failed open is forgotten so the next request tries again.
 */
export class LazyLink<T> {
  private pending: Promise<T> | null = null;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly shut: (connection: T) => Promise<void>,
  ) {}

  protected connection(): Promise<T> {
    this.pending ??= this.open().catch((err: unknown) => {
      this.pending = null;
      throw err;
    });
    return this.pending;
  }

  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    const connection = await pending?.catch(() => null);
    if (connection) await this.shut(connection);
  }
}
