/** A location as the Hive metastore stores it: `file:///a/b/` is kept as `file:/a/b`. */
export const normalLocation = (location: string): string =>
  location.replace(/^file:\/\/\//, 'file:/').replace(/\/+$/, '');
