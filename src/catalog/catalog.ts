import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GamepipeError } from '../errors.js';
import { defaultCatalog } from './default-catalog.js';

const catalogSchema = z.strictObject({
  qualities: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9_]{1,32}$/),
        odds: z.number().positive(),
        priceMultiplier: z.number().positive(),
      }),
    )
    .min(1),
  items: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9_]{1,64}$/),
        category: z.string().min(1).max(64),
        price: z.number().nonnegative(),
      }),
    )
    .min(1),
});

export type CatalogData = z.infer<typeof catalogSchema>;
export type Quality = CatalogData['qualities'][number];
export type Item = CatalogData['items'][number];

/** The shop: what can be bought, at which qualities, how likely each quality drops, at what price. */
export class Catalog {
  private readonly items: Map<string, Item>;
  private readonly qualities: Map<string, Quality>;
  private readonly totalOdds: number;

  constructor(readonly data: CatalogData) {
    this.items = new Map(data.items.map((i) => [i.name, i]));
    this.qualities = new Map(data.qualities.map((q) => [q.name, q]));
    this.totalOdds = data.qualities.reduce((sum, q) => sum + q.odds, 0);
  }

  static fromFile(path: string | undefined): Catalog {
    if (path === undefined) return new Catalog(defaultCatalog);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new GamepipeError('CONFIG_INVALID', `catalog ${path} cannot be read as JSON`, { cause: error });
    }
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new GamepipeError('CONFIG_INVALID', `catalog ${path}: ${issue.path.join('.')}: ${issue.message}`);
    }
    return new Catalog(parsed.data);
  }

  item(name: string): Item | undefined {
    return this.items.get(name);
  }

  quality(name: string): Quality | undefined {
    return this.qualities.get(name);
  }

  itemNames(): string[] {
    return [...this.items.keys()];
  }

  qualityNames(): string[] {
    return [...this.qualities.keys()];
  }

  /** Draws a quality from the drop odds; `random` is in [0, 1). */
  drawQuality(random: number = Math.random()): Quality {
    let threshold = random * this.totalOdds;
    for (const quality of this.data.qualities) {
      threshold -= quality.odds;
      if (threshold < 0) return quality;
    }
    return this.data.qualities[this.data.qualities.length - 1]!;
  }

  unitPrice(item: Item, quality: Quality): number {
    return Math.round(item.price * quality.priceMultiplier * 100) / 100;
  }
}
